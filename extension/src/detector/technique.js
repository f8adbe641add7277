// Which technique a fragment uses: pooled token vectors and surface features through the technique head,
// as proplens/models/features.py, heads.py and detector.py (`technique_logits`, `classify`) compute it.
import { count, isAlpha, isDigit, isUpper, rstrip, splitWords, strip, wordIsAlpha, wordIsUpper } from "./text.js";

const QUOTES = new Set("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb");
const LONG_WORD = /[\p{L}\p{Nl}\p{No}]{4,}/gu;
const SENTENCE_END = new Set(".!?\n");

let positions = { text: "", codePoints: new Int32Array(1) };

/** Code point index of every UTF-16 offset of `text` (Python counts code points, JavaScript UTF-16 units),
 * built once per text so that the features of many spans stay linear. */
function codePointsOf(text) {
  if (positions.text !== text || positions.codePoints.length !== text.length + 1) {
    const codePoints = new Int32Array(text.length + 1);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      codePoints[i] = n;
      const unit = text.charCodeAt(i);
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (!(unit >= 0xd800 && unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff)) n += 1;
    }
    codePoints[text.length] = n;
    positions = { text, codePoints };
  }
  return positions.codePoints;
}

/** The FEATURE_NAMES values of text[start, end) (UTF-16 offsets; lengths and positions counted in code
 * points, as Python does); `lowered` is text.toLowerCase(). */
export function spanFeatures(text, start, end, lowered) {
  const codePoints = codePointsOf(text);
  const fragment = text.slice(start, end);
  const needle = strip(fragment.toLowerCase());
  const repeats = needle ? count(lowered, needle) : 1;
  const words = splitWords(fragment);
  const wordRepeats = Math.max(1, ...[...fragment.matchAll(LONG_WORD)].map((m) => count(lowered, m[0].toLowerCase())));
  const letters = [...fragment].filter(isAlpha);
  const before = text.slice(0, start).replace(/[ \t]+$/, "");
  const after = text.slice(end).replace(/^[ \t]+/, "");
  const firstNewline = text.indexOf("\n");
  const last = before[before.length - 1];
  const trailing = rstrip(fragment).slice(-1);
  return [
    Math.log1p(codePoints[end] - codePoints[start]) / 6,
    Math.log1p(words.length) / 4,
    Math.log(Math.max(repeats, 1)) / 2,
    repeats >= 2 ? 1 : 0,
    Math.log(Math.max(wordRepeats, 1)) / 3,
    letters.length ? letters.filter(isUpper).length / letters.length : 0,
    words.some((w) => [...w].length >= 2 && wordIsAlpha(w) && wordIsUpper(w)) ? 1 : 0,
    fragment && isUpper([...fragment][0]) ? 1 : 0,
    [...fragment].some((c) => QUOTES.has(c)) ? 1 : 0,
    before && QUOTES.has(last) && after && QUOTES.has(after[0]) ? 1 : 0,
    fragment.includes("!") ? 1 : 0,
    after.startsWith("!") ? 1 : 0,
    fragment.includes("?") || after.startsWith("?") ? 1 : 0,
    text ? codePoints[start] / codePoints[text.length] : 0,
    firstNewline === -1 || start < firstNewline ? 1 : 0,
    !before || SENTENCE_END.has(last) ? 1 : 0,
    !after || SENTENCE_END.has(after[0]) || [".", "!", "?"].includes(trailing) ? 1 : 0,
    [...fragment].some(isDigit) ? 1 : 0,
  ];
}

/** Mean, first and last token vector of tokens [tokenStart, tokenEnd). */
export function pool(vectors, tokenStart, tokenEnd) {
  const width = vectors[tokenStart].length;
  const pooled = new Float64Array(3 * width);
  for (let t = tokenStart; t < tokenEnd; t++) for (let k = 0; k < width; k++) pooled[k] += vectors[t][k];
  for (let k = 0; k < width; k++) {
    pooled[k] /= tokenEnd - tokenStart;
    pooled[width + k] = vectors[tokenStart][k];
    pooled[2 * width + k] = vectors[tokenEnd - 1][k];
  }
  return pooled;
}

export function softmax(logits) {
  const top = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - top));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((x) => x / sum);
}

/** softmax-free logits of the two-layer head plus the direct feature path (heads.TechniqueHead). */
export class TechniqueHead {
  /** @param {Record<string, {data: Float32Array, shape: number[]}>} weights the arrays of technique_head.npz */
  constructor(weights) {
    for (const name of ["w1", "b1", "w2", "b2"]) if (!weights[name]) throw new Error(`technique head without ${name}`);
    this.w = weights;
  }

  logits(pooled, features) {
    const { w1, b1, w2, b2, w3, b3 } = this.w;
    const inputs = [...pooled, ...features];
    const [hiddenSize, inSize] = w1.shape;
    if (inSize !== inputs.length) throw new Error(`technique head expects ${inSize} inputs, got ${inputs.length}`);
    const hidden = new Float64Array(hiddenSize);
    for (let h = 0; h < hiddenSize; h++) {
      let z = b1.data[h];
      const row = h * inSize;
      for (let k = 0; k < inSize; k++) z += w1.data[row + k] * inputs[k];
      hidden[h] = Math.max(z, 0);
    }
    const [outSize] = w2.shape;
    const logits = new Array(outSize).fill(0);
    for (let t = 0; t < outSize; t++) {
      let z = b2.data[t];
      for (let h = 0; h < hiddenSize; h++) z += w2.data[t * hiddenSize + h] * hidden[h];
      if (w3 && b3) {
        z += b3.data[t];
        for (let f = 0; f < features.length; f++) z += w3.data[t * features.length + f] * features[f];
      }
      logits[t] = z;
    }
    return logits;
  }
}
