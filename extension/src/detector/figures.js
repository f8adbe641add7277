// Article-level figures of the in-browser analysis, as proplens/analysis.py's `figures` computes them:
// words, spans, the 0-100 propaganda score.
const SCORE_SCALE = 5;
const SCORE_MIN_WORDS = 250;
const WORDS = /[\p{L}\p{N}_]+/gu;

/** @param {string} text @param {{score: number, techniqueScore: number}[]} spans */
export function figures(text, spans, minScore) {
  const words = (text.match(WORDS) || []).length;
  const weighted = spans.reduce((sum, s) => sum + s.score * s.techniqueScore, 0) / Math.max(words, SCORE_MIN_WORDS) * 1000;
  return {
    words,
    spans: spans.length,
    propaganda_score: words ? Math.round(1000 * (1 - Math.exp(-weighted / SCORE_SCALE))) / 10 : 0,
    min_score: minScore,
  };
}
