// Why a fragment was flagged: the words in it the span tagger was surest about (proplens/models/cues.py).
import { WORD } from "./text.js";

const MAX_CUES = 3;
const CUE_MARGIN = 0.05;
const WORDS = new RegExp(`[${WORD}]+(?:[-'\\u2019][${WORD}]+)*`, "gu");

/** Tokens [tokenStart, tokenEnd) overlapping characters [start, end), or null (windows.token_range). */
export function tokenRange(offsets, start, end) {
  let low = 0, high = offsets.length;
  while (low < high) { const mid = (low + high) >> 1; if (offsets[mid][1] <= start) low = mid + 1; else high = mid; }
  let last = low;
  while (last < offsets.length && offsets[last][0] < end) last++;
  return last > low ? [low, last] : null;
}

/** [start, end) of the cue words of text[start, end). @param {Set<string>} stopWords */
export function cueWords(text, offsets, probabilities, start, end, stopWords) {
  const found = tokenRange(offsets, start, end);
  if (!found) return [];
  let scored = [];
  const fragment = text.slice(0, end);  // Python's finditer(text, start, end): matches inside [start, end)
  WORDS.lastIndex = start;
  for (let match; (match = WORDS.exec(fragment));) {
    const a = match.index, b = match.index + match[0].length;
    const inside = [];
    for (let i = found[0]; i < found[1]; i++) {
      if (offsets[i][0] < b && a < offsets[i][1] && offsets[i][1] > offsets[i][0]) inside.push(probabilities[i]);
    }
    if (inside.length) scored.push([Math.max(...inside), a, b]);
  }
  const content = scored.filter(([, a, b]) => !stopWords.has(text.slice(a, b).toLowerCase()));
  scored = content.length ? content : scored;
  if (!scored.length) return [];
  const best = Math.max(...scored.map(([s]) => s));
  const chosen = [...scored].sort((x, y) => y[0] - x[0]).slice(0, MAX_CUES);
  return chosen.filter(([s]) => s >= best - CUE_MARGIN).map(([, a, b]) => [a, b]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}
