// The extension's settings: one place for their defaults, read by the service worker and the options page.

export const DEFAULT_SERVER = "http://127.0.0.1:8000";

// The models a server may be asked for by name; "" is the server's own default.
export const MODELS = ["default", "accurate"];

// The range the options page accepts for a minimum score (null: the model's tuned minimum).
export const MIN_SCORE_RANGE = [0.05, 0.95];

// Where pages are analysed: "browser" (the model runs in this browser; nothing leaves the machine) or
// "server" (your proplens server: the accurate model, reviews, history).
export const BACKENDS = ["browser", "server"];

/** @typedef {{backend: string, server: string, token: string, model: string, minScore: number | null,
 *   autoSites: string[], reviewer: string}} Settings */

/** @type {Settings} */
export const DEFAULTS = {
  backend: "browser", server: DEFAULT_SERVER, token: "", model: "", minScore: null, autoSites: [], reviewer: "",
};

// The longest reviewer name the server accepts.
export const MAX_REVIEWER = 64;

/** The saved settings over the defaults, each checked (a value of the wrong kind is the default).
 * @returns {Promise<Settings>} */
export async function loadSettings() {
  const saved = await chrome.storage.local.get(Object.keys(DEFAULTS));
  return {
    backend: typeof saved.backend === "string" && BACKENDS.includes(saved.backend) ? saved.backend : "browser",
    server: typeof saved.server === "string" && saved.server ? saved.server : DEFAULT_SERVER,
    token: typeof saved.token === "string" ? saved.token : "",
    model: typeof saved.model === "string" && MODELS.includes(saved.model) ? saved.model : "",
    minScore: typeof saved.minScore === "number" ? saved.minScore : null,
    autoSites: Array.isArray(saved.autoSites) ? saved.autoSites.filter((s) => typeof s === "string") : [],
    reviewer: typeof saved.reviewer === "string" ? saved.reviewer.slice(0, MAX_REVIEWER) : "",
  };
}
