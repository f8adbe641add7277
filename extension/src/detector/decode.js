// From per-token probabilities to character spans, as proplens/models/decoding.py: the constrained
// Viterbi decoder, then phrase-end trimming, snapping to whole words and (optionally) clause ends.
import { WORD, allSpace, isAlnum, isSpace } from "./text.js";

const END_WORDS = new Set(["and", "or", "nor", "but", "the", "a", "an", "as", "for", "of", "with", "by", "from",
  "at", "which", "who", "whom", "whose", "its", "their", "your", "my", "these", "those", "while", "when", "where",
  "instead", "than", "any", "because"]);
const END_PUNCTUATION_KEPT = new Set("\u201d?\"\u2019!)\u2026'");
const START_PUNCTUATION_KEPT = new Set("\u201c\"\u2018(#'");
const SENTENCE_END = new Set(".!?");
const LAST_WORD = new RegExp(`([${WORD}]+)[^${WORD}]*$`, "u");
const LAST_WORD_OF_CLAUSE = new RegExp(
  `^[ \\t]+[\\p{L}\\p{Nl}\\p{No}][${WORD}'\\u2019-]*(?=[ \\t]*(?:[\\n.!?;:,\\u2026"\\u201d\\u2019)\\]]|$))`, "u");

/** A line break between two tokens, or a sentence-final mark followed by a space. */
export function sentenceBoundary(text, leftEnd, rightStart) {
  const gap = text.slice(leftEnd, rightStart);
  if (gap.includes("\n")) return true;
  return allSpace(gap) && leftEnd > 0 && SENTENCE_END.has(text[leftEnd - 1]);
}

export function snapToWords(text, start, end) {
  while (start > 0 && isAlnum(text[start - 1]) && isAlnum(text[start])) start--;
  if (start >= 2 && "'\u2019".includes(text[start - 1]) && isAlnum(text[start - 2]) && start < text.length && isAlnum(text[start])) {
    start--;
    while (start > 0 && isAlnum(text[start - 1])) start--;
  }
  while (end < text.length && isAlnum(text[end]) && isAlnum(text[end - 1])) end++;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return [start, end];
}

function closeQuote(text, start, end) {
  const fragment = text.slice(start, end);
  const counted = (c) => fragment.split(c).length - 1;
  for (const [opening, closing] of [["\u201c", "\u201d"], ["\u2018", "\u2019"]]) {
    if (counted(opening) > counted(closing) && text[end] === closing) return end + 1;
  }
  if (counted('"') % 2 === 1 && fragment.startsWith('"') && text[end] === '"') return end + 1;
  return end;
}

export function trimSpan(text, start, end) {
  const original = [start, end];
  while (start < end) {
    const last = text[end - 1];
    if (isSpace(last) || (!isAlnum(last) && last !== "_" && !END_PUNCTUATION_KEPT.has(last))) { end--; continue; }
    const word = LAST_WORD.exec(text.slice(start, end));
    if (!word || !END_WORDS.has(word[1].toLowerCase()) || word.index === 0) break;
    end = start + word.index;
  }
  while (start < end) {
    const first = text[start];
    if (isSpace(first) || (!isAlnum(first) && !START_PUNCTUATION_KEPT.has(first))) start++; else break;
  }
  if (end <= start) return original;
  return [start, closeQuote(text, start, end)];
}

export function completeClauseEnd(text, start, end) {
  if (start >= end || end >= text.length || !isAlnum(text[end - 1])) return end;
  const ahead = text.slice(end, end + 80);
  const word = LAST_WORD_OF_CLAUSE.exec(ahead);
  if (!word || (word[0].length === ahead.length && end + ahead.length < text.length)) return end;
  return end + word[0].length;
}

function spansOfRuns(text, offsets, probabilities, runs, { peak, trim, complete }) {
  const spans = [];
  for (let run of runs) {
    if (peak !== null && Math.max(...run.map((i) => probabilities[i])) < peak) continue;
    let [start, end] = snapToWords(text, offsets[run[0]][0], offsets[run[run.length - 1]][1]);
    if (trim) {
      [start, end] = trimSpan(text, start, end);
      const inside = run.filter((i) => offsets[i][0] < end && offsets[i][1] > start);
      run = inside.length ? inside : run;
    }
    if (complete) end = completeClauseEnd(text, start, end);
    if (end <= start) continue;
    let score = run.reduce((sum, i) => sum + probabilities[i], 0) / run.length;
    if (spans.length && start < spans[spans.length - 1][1]) {
      const before = /** @type {number[]} */ (spans.pop());
      start = before[0]; end = Math.max(end, before[1]); score = Math.max(score, before[2]);
    }
    spans.push([start, end, score]);
  }
  return spans;
}

function emissions(span, begin, bias) {
  return [Math.log(Math.max(1 - span, 1e-6)), Math.log(Math.max(begin, 1e-6)) + bias, Math.log(Math.max(span - begin, 1e-6)) + bias];
}

/** [start, end, score] spans of the most probable valid BIO sequence. */
export function viterbiSpans(text, offsets, probabilities, begins, { bias, beginPenalty = 0, peak = 0, trim = true, complete = false }) {
  const n = offsets.length;
  if (n === 0) return [];
  const impossible = -1e9;
  const back = [];
  const [firstO, firstB] = emissions(probabilities[0], begins[0], bias);
  let scores = [firstO, firstB, impossible];
  for (let index = 1; index < n; index++) {
    const [oE, bE, iE] = emissions(probabilities[index], begins[index], bias);
    const [so, sb, si] = scores;
    const fromO = so >= sb && so >= si ? 0 : (sb >= si ? 1 : 2);
    const toO = scores[fromO];
    const bFromSpan = Math.max(sb, si) + beginPenalty;
    const fromB = so >= bFromSpan ? 0 : (sb >= si ? 1 : 2);
    const toB = fromB === 0 ? so : bFromSpan;
    let fromI, toI;
    if (sentenceBoundary(text, offsets[index - 1][1], offsets[index][0])) { fromI = 1; toI = impossible; } else { fromI = sb >= si ? 1 : 2; toI = Math.max(sb, si); }
    back.push([fromO, fromB, fromI]);
    scores = [toO + oE, toB + bE, toI + iE];
  }
  const tags = new Array(n).fill(0);
  tags[n - 1] = scores[0] >= scores[1] && scores[0] >= scores[2] ? 0 : (scores[1] >= scores[2] ? 1 : 2);
  for (let index = n - 1; index > 0; index--) tags[index - 1] = back[index - 1][tags[index]];
  const runs = [];
  let current = null;
  tags.forEach((tag, index) => {
    if (tag === 1) { current = [index]; runs.push(current); } else if (tag === 2 && current) current.push(index); else current = null;
  });
  return spansOfRuns(text, offsets, probabilities, runs, { peak, trim, complete });
}
