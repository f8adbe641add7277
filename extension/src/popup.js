// proplens extension — the toolbar popup: analyse the page, or remove the highlights.
const statusLine = /** @type {HTMLElement} */ (document.getElementById("status"));

async function activeTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

document.getElementById("analyse")?.addEventListener("click", async () => {
  statusLine.textContent = "Analysing…";
  const tab = await activeTab();
  const answer = await chrome.runtime.sendMessage({ type: "proplens:analyse", tabId: tab.id });
  statusLine.textContent = answer.ok
    ? `${answer.summary.placed} fragments highlighted` + (answer.summary.listed ? `, ${answer.summary.listed} listed in the panel` : "")
    : `Error: ${answer.error}`;
});

document.getElementById("remove")?.addEventListener("click", async () => {
  const tab = await activeTab();
  if (tab.id !== undefined) await chrome.tabs.sendMessage(tab.id, { type: "proplens:remove" }).catch(() => {});
  statusLine.textContent = "Highlights removed.";
});
