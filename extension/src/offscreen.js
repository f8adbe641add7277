// proplens extension — the offscreen document: runs the detector in this browser, off every page's main
// thread, for the service worker. The model loads once per browser session (the first analysis).
import { figures } from "./detector/figures.js";
import { loadDetector } from "./detector/load.js";

let loading = null;

async function detect(text, minScore) {
  loading = loading || loadDetector((name) => chrome.runtime.getURL(name));
  const { detector, techniques } = await loading;
  const started = performance.now();
  const { spans, minScore: kept } = await detector.analyze(text, { minScore: minScore ?? undefined });
  return {
    spans: spans.map((s) => ({
      start: s.start, end: s.end, technique: s.technique, score: s.score, technique_score: s.techniqueScore,
      cues: s.cues.map(([a, b]) => ({ start: a, end: b, text: text.slice(a, b) })), text: text.slice(s.start, s.end),
    })),
    figures: figures(text, spans, kept),
    model: `${detector.info.name}-${detector.info.version} (in this browser)`,
    techniques,
    seconds: (performance.now() - started) / 1000,
  };
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id || !message || message.type !== "proplens:detect") return false;
  detect(String(message.text || ""), typeof message.minScore === "number" ? message.minScore : null).then(
    (result) => reply({ ok: true, result }),
    (error) => reply({ ok: false, error: String(error && error.message || error) }),
  );
  return true;
});
