// proplens extension — the offscreen document: runs the detector in this browser, off every page's main
// thread, for the service worker. The model loads once per browser session (the first analysis).
import { detect } from "./detector/run.js";

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id || !message || message.type !== "proplens:detect") return false;
  detect(String(message.text || ""), typeof message.minScore === "number" ? message.minScore : null).then(
    (result) => reply({ ok: true, result }),
    (error) => reply({ ok: false, error: String(error && error.message || error) }),
  );
  return true;
});
