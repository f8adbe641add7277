// proplens extension — service worker: talks to the proplens server (the token never reaches pages).
import { detect } from "./detector/run.js";
import { loadSettings } from "./settings.js";

// The technique lists (names, definitions, colours) already fetched, by server and taxonomy: they change
// only when the server does, so one fetch per browser session is enough.
const techniqueLists = new Map();

/** Analyse the page in tab `tabId`: the content script sends its HTML, the server returns the spans, the
 * content script highlights them. Returns the content script's summary (placed / listed).
 * @param {number} tabId */
async function analyseTab(tabId) {
  await chrome.scripting.executeScript({ target: { tabId }, files: ["content.js"] });
  const settings = await loadSettings();
  if (settings.backend === "browser") return analyseHere(tabId, settings.minScore);
  const page = await chrome.tabs.sendMessage(tabId, { type: "proplens:page" });
  const { server, token, model, minScore } = settings;
  const base = server.replace(/\/+$/, "");
  const headers = { "Content-Type": "application/json", "Authorization": "Bearer " + token };
  const analysis = await call(base + "/api/v1/analyze", {
    method: "POST",
    headers,
    // a named model only ("default", "accurate"); empty: the server's own. No minimum: the model's own
    body: JSON.stringify(Object.assign(
      { html: page.html, page_url: page.url },
      model ? { model } : {},
      typeof minScore === "number" ? { min_score: minScore } : {},
    )),
  });
  const colours = await techniquesOf(base, analysis.taxonomy, headers);
  return chrome.tabs.sendMessage(tabId, { type: "proplens:show", analysis, colours, server: base });
}

/** Analyse the page in this browser: the content script reads the article, the offscreen document runs
 * the model, the content script highlights. Nothing leaves the machine. */
async function analyseHere(tabId, minScore) {
  const page = await chrome.tabs.sendMessage(tabId, { type: "proplens:read" });
  if (!page || !page.text) throw new Error("no article text found on this page");
  let result;
  if (chrome.offscreen) {  // Chromium: a service worker has no DOM, the offscreen document runs the model
    await offscreenDocument();
    const answer = await chrome.runtime.sendMessage({ type: "proplens:detect", text: page.text, minScore });
    if (!answer || !answer.ok) throw new Error((answer && answer.error) || "the in-browser detector did not answer");
    result = answer.result;
  } else {  // Firefox: the background page runs it
    result = await detect(page.text, minScore);
  }
  const { spans, figures, model, techniques, seconds } = result;
  if (__TEST__) timings.push(seconds);
  const analysis = {
    article: { id: "page", text: page.text, title: page.title, url: page.url },
    spans, figures, model, taxonomy: "ptc", targets: [], key_sentences: [],
  };
  const colours = Object.fromEntries(techniques.map((t) => [t.id, t]));
  return chrome.tabs.sendMessage(tabId, { type: "proplens:show", analysis, colours, server: "" });
}

/** The offscreen document that runs the detector (made once; the browser keeps it while it is used). */
async function offscreenDocument() {
  const url = chrome.runtime.getURL("offscreen.html");
  const contexts = await chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"], documentUrls: [url] });
  if (contexts.length) return;
  await chrome.offscreen.createDocument({
    url: "offscreen.html",
    reasons: [chrome.offscreen.Reason.WORKERS],
    justification: "run the propaganda detector in this browser, off the page's main thread",
  }).catch((error) => {
    if (!String(error && error.message).includes("single offscreen")) throw error;  // another analysis made it
  });
}

/** The technique list of `taxonomy` on the server at `base`, by id; fetched once per browser session. */
async function techniquesOf(base, taxonomy, headers) {
  const key = base + " " + taxonomy;
  if (!techniqueLists.has(key)) {
    const techniques = await call(base + "/api/v1/techniques?taxonomy=" + encodeURIComponent(taxonomy), { headers });
    techniqueLists.set(key, Object.fromEntries(techniques.map((t) => [t.id, t])));
  }
  return techniqueLists.get(key);
}

/** The server's JSON answer, or an Error whose message says what went wrong in a sentence. */
async function call(url, init) {
  if (__TEST__) fetched.push(url);
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error("cannot reach the proplens server: is `proplens serve` running? (" + why + ")", { cause: error });
  }
  const body = await response.json().catch(() => ({ detail: "the server's answer is not JSON" }));
  if (!response.ok) throw new Error(body.detail || ("the server answered HTTP " + response.status));
  return body;
}

// The fields a review may carry (the reviewer's name is added here, from the options).
const REVIEW_FIELDS = ["action", "span", "start", "end", "technique", "added"];

/** Send one review action on a stored analysis (or none: only read the reviews) and return what the
 * reviews add up to (GET /api/v1/analyses/{id}/reviews).
 * @param {string} analysisId @param {Record<string, unknown> | null} action */
async function review(analysisId, action) {
  if (!/^[0-9a-f]{16}$/.test(analysisId)) throw new Error("this analysis was not stored: it cannot be reviewed");
  const { server, token, reviewer } = await loadSettings();
  const base = server.replace(/\/+$/, "");
  const headers = { "Content-Type": "application/json", "Authorization": "Bearer " + token };
  const url = `${base}/api/v1/analyses/${analysisId}/reviews`;
  if (action) {
    if (!reviewer) throw new Error("write your name in the extension's options first: every correction says who made it");
    const body = { reviewer };
    for (const key of REVIEW_FIELDS) if (action[key] !== undefined) body[key] = action[key];
    await call(url, { method: "POST", headers, body: JSON.stringify(body) });
  }
  return call(url, { headers });
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // only the extension's own popup and content script may ask; pages cannot reach this listener
  if (sender.id !== chrome.runtime.id || !message) return false;
  let work;
  if (message.type === "proplens:analyse") work = analyseTab(message.tabId);
  else if (message.type === "proplens:review") work = review(String(message.analysis), message.action || null);
  else return false;
  work.then(
    (result) => reply({ ok: true, result, summary: result }),
    (error) => reply({ ok: false, error: String(error.message || error) }),
  );
  return true;
});

// "Analyse automatically on these sites": pages of a listed host are analysed once they have loaded.
chrome.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status !== "complete" || !tab.url) return;
  const { autoSites } = await loadSettings();
  let host;
  try { host = new URL(tab.url).hostname; } catch { return; }
  if (autoSites.some((site) => host === site || host.endsWith("." + site))) {
    analyseTab(tabId).catch(() => {});  // a failure shows nothing; the toolbar button says why
  }
});

// The test build's hooks (build.mjs --test): the browser tests drive the worker directly and read which
// URLs it fetched. The product build has neither.
/** @type {string[]} */
const fetched = [];
/** @type {number[]} */
const timings = [];
if (__TEST__) {
  Object.assign(self, { proplensAnalyseTab: analyseTab, proplensFetched: fetched, proplensTimings: timings });
}
