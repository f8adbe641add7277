"use strict";
const server = document.getElementById("server"), token = document.getElementById("token");
const status = document.getElementById("status");

chrome.storage.local.get(["server", "token"]).then((saved) => {
  server.value = saved.server || "http://127.0.0.1:8000";
  token.value = saved.token || "";
});

document.getElementById("save").addEventListener("click", async () => {
  let url;
  try { url = new URL(server.value.trim()); } catch { status.textContent = "Not a URL."; return; }
  if (!["http:", "https:"].includes(url.protocol)) { status.textContent = "Use an http:// or https:// address."; return; }
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (!local && chrome.permissions) {  // a team server: ask the browser for access to that host only
    const granted = await chrome.permissions.request({ origins: [`${url.origin}/*`] }).catch(() => false);
    if (!granted) { status.textContent = "Access to that server was not granted."; return; }
  }
  await chrome.storage.local.set({ server: url.origin, token: token.value.trim() });
  status.textContent = "Saved.";
});
