"use strict";
const server = document.getElementById("server"), token = document.getElementById("token");
const status = document.getElementById("status"), sites = document.getElementById("sites");
const model = document.getElementById("model");
const minScore = document.getElementById("min-score");

chrome.storage.local.get(["server", "token", "autoSites", "model", "minScore"]).then((saved) => {
  minScore.value = typeof saved.minScore === "number" ? String(saved.minScore) : "";
  model.value = ["default", "accurate"].includes(saved.model) ? saved.model : "";
  server.value = saved.server || "http://127.0.0.1:8000";
  token.value = saved.token || "";
  sites.value = (saved.autoSites || []).join("\n");
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
  const autoSites = sites.value.split(/\s+/).map((s) => s.trim().toLowerCase()).filter((s) => /^[a-z0-9.-]+$/.test(s));
  if (autoSites.length && chrome.permissions) {  // reading those pages needs the browser's permission
    const origins = autoSites.flatMap((s) => [`https://${s}/*`, `http://${s}/*`]);
    const granted = await chrome.permissions.request({ origins }).catch(() => false);
    if (!granted) { status.textContent = "Access to those sites was not granted."; return; }
  }
  const chosen = ["default", "accurate"].includes(model.value) ? model.value : "";
  let minimum = null;  // none: the model's tuned minimum
  if (minScore.value.trim() !== "") {
    minimum = Number(minScore.value);
    if (!(minimum >= 0.05 && minimum <= 0.95)) { status.textContent = "The minimum score must be between 0.05 and 0.95 (or empty)."; return; }
  }
  await chrome.storage.local.set({ server: url.origin, token: token.value.trim(), autoSites, model: chosen, minScore: minimum });
  status.textContent = "Saved.";
});
