// Running the in-browser detector on an article's text: the model loaded once, the result shaped like the
// server's analysis. Used by the offscreen document (Chromium) and by the background page (Firefox, whose
// background page has a DOM and needs no offscreen document).
import { figures } from "./figures.js";
import { loadDetector } from "./load.js";

let loading = null;

export async function detect(text, minScore) {
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

