// The detector in the browser: an article's text in, its fragments out (offsets, technique, score,
// technique score, cue words), the same as proplens/models/detector.py's `Detector.analyze`.
import { cueWords, tokenRange } from "./cues.js";
import { viterbiSpans } from "./decode.js";
import { encodeArticle } from "./encode.js";
import { pool, softmax, spanFeatures } from "./technique.js";
import { count, round4, strip } from "./text.js";

function spanCalibrationFeatures(probabilities) {
  const values = probabilities.map((p) => Math.min(Math.max(p, 1e-4), 1 - 1e-4));
  const mean = values.reduce((a, b) => a + b, 0) / values.length, peak = Math.max(...values);
  return [1, Math.log(mean / (1 - mean)), Math.log(peak / (1 - peak)), Math.log(values.length)];
}

function calibrated(weights, features) {
  const z = weights.reduce((sum, w, k) => sum + w * features[k], 0);
  return 1 / (1 + Math.exp(-Math.min(Math.max(z, -30), 30)));
}

function nearestToken(offsets, start) {
  let best = 0;
  offsets.forEach(([a], i) => { if (Math.abs(a - start) < Math.abs(offsets[best][0] - start)) best = i; });
  return [best, best + 1];
}

function notOverlapping(spans, others) {
  const kept = [];
  let at = 0;
  for (const span of spans) {
    while (at < others.length && others[at][1] <= span[0]) at++;
    if (at === others.length || others[at][0] >= span[1]) kept.push(span);
  }
  return kept;
}

export class Detector {
  /** @param {{tokenizer: any, encoder: any, head: any, info: any, stopWords: Set<string>}} parts */
  constructor({ tokenizer, encoder, head, info, stopWords }) {
    if (info.decoder !== "viterbi") throw new Error(`the in-browser detector decodes with Viterbi, not ${info.decoder}`);
    if ((info.token_features || []).length) throw new Error("models whose tagger reads token features are not supported here");
    this.tokenizer = tokenizer;
    this.encoder = encoder;
    this.head = head;
    this.info = info;
    this.stopWords = stopWords;
  }

  decoder(overrides = {}) {
    const info = this.info;
    return { bias: info.viterbi_bias, beginPenalty: info.begin_penalty, peak: info.peak, trim: info.trim, complete: info.complete_ends, ...overrides };
  }

  /** [start, end, score] of every fragment considered, with calibrated scores (`Detector.candidates`). */
  candidates(encoded, text) {
    const decode = (options) => viterbiSpans(text, encoded.offsets, encoded.spanProbabilities, encoded.begins, this.decoder(options));
    let found;
    if (this.info.candidate_bias === null || this.info.candidate_bias === undefined) found = decode({});
    else {
      const first = decode({ peak: 0 });
      const extra = decode({ peak: 0, bias: this.info.candidate_bias });
      found = [...first, ...notOverlapping(extra, first)].sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    }
    const weights = this.info.span_calibration || [];
    if (!weights.length) return found;
    return found.map(([s, e]) => {
      const [a, b] = tokenRange(encoded.offsets, s, e) || nearestToken(encoded.offsets, s);
      return [s, e, calibrated(weights, spanCalibrationFeatures(Array.from(encoded.spanProbabilities.slice(a, b))))];
    });
  }

  /** Technique probabilities of each [start, end) range. */
  classify(encoded, text, ranges) {
    const lowered = text.toLowerCase();
    const techniques = this.info.techniques;
    const repetition = techniques.indexOf("Repetition");
    return ranges.map(([s, e]) => {
      const [a, b] = tokenRange(encoded.offsets, s, e) || nearestToken(encoded.offsets, s);
      const logits = this.head.logits(pool(encoded.vectors, a, b), spanFeatures(text, s, e, lowered));
      if (this.info.repetition_boost && repetition >= 0) {
        const needle = strip(text.slice(s, e).toLowerCase());
        if (needle && count(lowered, needle) >= 3) logits[repetition] += this.info.repetition_boost;
      }
      return softmax(logits.map((x) => x / this.info.temperature));
    });
  }

  /** The fragments of `text`: {start, end, technique, score, techniqueScore, cues} (offsets in UTF-16 units),
   * each reported fragment with its best technique and any other reaching `info.secondary`.
   * @param {string} text @param {{minScore?: number}} options */
  async analyze(text, { minScore } = {}) {
    const info = this.info;
    const encoded = await encodeArticle(text, { tokenizer: this.tokenizer, encoder: this.encoder, maxTokens: info.max_tokens, overlap: info.overlap });
    if (!encoded.ids.length) return { spans: [], minScore: minScore ?? info.min_score ?? 0 };
    const minimum = minScore ?? info.min_score ?? 0;
    const found = this.candidates(encoded, text);
    const rows = this.classify(encoded, text, found.map(([s, e]) => [s, e]));
    const spans = [];
    found.forEach(([start, end, p], n) => {
      const score = round4(p);
      if (score < minimum) return;
      const cues = cueWords(text, encoded.offsets, encoded.spanProbabilities, start, end, this.stopWords);
      const ranked = rows[n].map((q, t) => [q, t]).sort((x, y) => y[0] - x[0]);
      ranked.forEach(([q, t], rank) => {
        if (rank > 0 && q < info.secondary) return;
        spans.push({ start, end, technique: info.techniques[t], score, techniqueScore: round4(q), cues });
      });
    });
    return { spans, minScore: round4(minimum) };
  }
}
