"use strict";
const status = document.getElementById("status");

async function activeTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

document.getElementById("analyse").addEventListener("click", async () => {
  status.textContent = "Analysing…";
  const tab = await activeTab();
  const answer = await chrome.runtime.sendMessage({ type: "proplens:analyse", tabId: tab.id });
  status.textContent = answer.ok
    ? `${answer.summary.placed} fragments highlighted` + (answer.summary.listed ? `, ${answer.summary.listed} listed in the panel` : "")
    : `Error: ${answer.error}`;
});

document.getElementById("remove").addEventListener("click", async () => {
  const tab = await activeTab();
  await chrome.tabs.sendMessage(tab.id, { type: "proplens:remove" }).catch(() => {});
  status.textContent = "Highlights removed.";
});
