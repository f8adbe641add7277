// An article through the encoder: tokens with their character ranges, windows, and per token the
// probability of being inside a span (1 - p(O)), of beginning one (p(B)) and its vector — what
// proplens/models/detector.py's `Detector.encode` computes.
import { planWindows, stitch } from "./windows.js";

/** Softmax of one token's three tag logits. @param {Float32Array} logits @param {number} at */
function tagProbabilities(logits, at) {
  const a = logits[at], b = logits[at + 1], c = logits[at + 2];
  const top = Math.max(a, b, c);
  const ea = Math.exp(a - top), eb = Math.exp(b - top), ec = Math.exp(c - top);
  const sum = ea + eb + ec;
  return [ea / sum, eb / sum, ec / sum];
}

/** @param {string} text @param {{tokenizer: any, encoder: any, maxTokens: number, overlap: number}} model */
export async function encodeArticle(text, { tokenizer, encoder, maxTokens, overlap }) {
  const { ids, offsets } = tokenizer.encode(text);
  const windows = planWindows(ids.length, maxTokens, overlap);
  const rows = [];
  for (const [start, end] of windows) {
    const { tagLogits, hidden, width } = await encoder.window([tokenizer.cls, ...ids.slice(start, end), tokenizer.sep]);
    const tokens = [];
    for (let i = 1; i <= end - start; i++) {
      const [o, begin] = tagProbabilities(tagLogits, i * 3);
      tokens.push({ span: 1 - o, begin, vector: hidden.subarray(i * width, (i + 1) * width) });
    }
    rows.push(tokens);
  }
  const stitched = stitch(ids.length, windows, rows);
  return {
    ids,
    offsets,
    spanProbabilities: Float32Array.from(stitched, (t) => t.span),
    begins: Float32Array.from(stitched, (t) => t.begin),
    vectors: stitched.map((t) => t.vector),
  };
}
