// proplens extension — service worker: talks to the proplens server (the token never reaches pages).
"use strict";

const DEFAULTS = { server: "http://127.0.0.1:8000", token: "", model: "", minScore: null };

async function settings() {
  return Object.assign({}, DEFAULTS, await chrome.storage.local.get(["server", "token", "model", "minScore"]));
}

// Analyse the page in tab `tabId`: the content script sends its HTML, the server returns the spans,
// the content script highlights them. Returns the content script's summary (placed / listed).
async function analyseTab(tabId) {
  await chrome.scripting.executeScript({ target: { tabId }, files: ["content.js"] });
  const page = await chrome.tabs.sendMessage(tabId, { type: "proplens:page" });
  const { server, token, model, minScore } = await settings();
  const base = server.replace(/\/+$/, "");
  const headers = { "Content-Type": "application/json", "Authorization": "Bearer " + token };
  const analysis = await call(fetch(base + "/api/v1/analyze", {
    method: "POST",
    headers,
    // a named model only ("default", "accurate"); empty: the server's own. No minimum: the model's own
    body: JSON.stringify(Object.assign(
      { html: page.html, page_url: page.url },
      model ? { model } : {},
      typeof minScore === "number" ? { min_score: minScore } : {},
    )),
  }));
  const techniques = await call(fetch(base + "/api/v1/techniques?taxonomy=" + analysis.taxonomy, { headers }));
  const colours = Object.fromEntries(techniques.map((t) => [t.id, t]));
  return chrome.tabs.sendMessage(tabId, { type: "proplens:show", analysis, colours, server: base });
}

async function call(request) {
  let response;
  try {
    response = await request;
  } catch (error) {
    throw new Error("cannot reach the proplens server: is `proplens serve` running? (" + error.message + ")");
  }
  const body = await response.json().catch(() => ({ detail: "the server's answer is not JSON" }));
  if (!response.ok) throw new Error(body.detail || ("the server answered HTTP " + response.status));
  return body;
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id || !message || message.type !== "proplens:analyse") {
    return false;  // only our own popup may ask; pages cannot reach this listener
  }
  analyseTab(message.tabId).then(
    (summary) => reply({ ok: true, summary }),
    (error) => reply({ ok: false, error: String(error.message || error) }),
  );
  return true;
});

// "Analyse automatically on these sites": pages of a listed host are analysed once they have loaded.
chrome.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status !== "complete" || !tab.url) return;
  const { autoSites = [] } = await chrome.storage.local.get(["autoSites"]);
  let host;
  try { host = new URL(tab.url).hostname; } catch { return; }
  if (autoSites.some((site) => host === site || host.endsWith("." + site))) {
    analyseTab(tabId).catch(() => {});  // a failure shows nothing; the toolbar button says why
  }
});

self.proplensAnalyseTab = analyseTab;  // for the tests, which drive the worker directly
