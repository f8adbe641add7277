// proplens extension — the options page: server, token, model, minimum score, sites analysed on load.
import { BACKENDS, DEFAULT_SERVER, MAX_REVIEWER, MIN_SCORE_RANGE, MODELS, loadSettings } from "./settings.js";

const byId = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const server = byId("server"), token = byId("token"), model = byId("model"), minScore = byId("min-score");
const status = /** @type {HTMLElement} */ (document.getElementById("status"));
const sites = /** @type {HTMLTextAreaElement} */ (document.getElementById("sites"));
const reviewer = byId("reviewer");

server.placeholder = DEFAULT_SERVER;
loadSettings().then((saved) => {
  minScore.value = saved.minScore === null ? "" : String(saved.minScore);
  model.value = saved.model;
  server.value = saved.server;
  token.value = saved.token;
  sites.value = saved.autoSites.join("\n");
  reviewer.value = saved.reviewer;
  for (const radio of backendChoices()) radio.checked = radio.value === saved.backend;
});

function backendChoices() {
  return /** @type {HTMLInputElement[]} */ ([...document.querySelectorAll("input[name=backend]")]);
}

/** Ask the browser for access to `origins`; false when refused. */
async function granted(origins) {
  return chrome.permissions ? chrome.permissions.request({ origins }).catch(() => false) : true;
}

byId("save").addEventListener("click", async () => {
  let url;
  try { url = new URL(server.value.trim()); } catch { status.textContent = "Not a URL."; return; }
  if (!["http:", "https:"].includes(url.protocol)) { status.textContent = "Use an http:// or https:// address."; return; }
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (!local && !(await granted([`${url.origin}/*`]))) {  // a team server: access to that host only
    status.textContent = "Access to that server was not granted.";
    return;
  }
  const autoSites = sites.value.split(/\s+/).map((s) => s.trim().toLowerCase()).filter((s) => /^[a-z0-9.-]+$/.test(s));
  if (autoSites.length && !(await granted(autoSites.flatMap((s) => [`https://${s}/*`, `http://${s}/*`])))) {
    status.textContent = "Access to those sites was not granted.";
    return;
  }
  const [low, high] = MIN_SCORE_RANGE;
  let minimum = null;  // none: the model's tuned minimum
  if (minScore.value.trim() !== "") {
    minimum = Number(minScore.value);
    if (!(minimum >= low && minimum <= high)) {
      status.textContent = `The minimum score must be between ${low} and ${high} (or empty).`;
      return;
    }
  }
  const chosen = MODELS.includes(model.value) ? model.value : "";
  const name = reviewer.value.trim().replace(/\s+/g, " ").slice(0, MAX_REVIEWER);
  const picked = backendChoices().find((r) => r.checked)?.value || "browser";
  const backend = BACKENDS.includes(picked) ? picked : "browser";
  await chrome.storage.local.set({
    backend, server: url.origin, token: token.value.trim(), autoSites, model: chosen, minScore: minimum, reviewer: name,
  });
  status.textContent = "Saved.";
});
