// Overlapping token windows over a whole article and stitching their outputs back, as
// proplens/models/windows.py does: each token takes its output from the window in which it sits farthest
// from an edge.

/** Windows [tokenStart, tokenEnd) of at most `maxTokens` tokens, each overlapping the next by `overlap`.
 * @param {number} nTokens @param {number} maxTokens @param {number} overlap @returns {[number, number][]} */
export function planWindows(nTokens, maxTokens, overlap) {
  if (maxTokens < 1 || overlap < 0 || overlap >= maxTokens) throw new Error("need maxTokens >= 1 and 0 <= overlap < maxTokens");
  /** @type {[number, number][]} */
  const windows = [];
  if (nTokens === 0) return windows;
  for (let start = 0; ; start += maxTokens - overlap) {
    const end = Math.min(start + maxTokens, nTokens);
    windows.push([start, end]);
    if (end === nTokens) return windows;
  }
}

/** Per-token rows for the article from per-window rows (`outputs[k][i]`: token i of window k).
 * @template T @param {number} nTokens @param {[number, number][]} windows @param {T[][]} outputs
 * @returns {T[]} */
export function stitch(nTokens, windows, outputs) {
  const stitched = new Array(nTokens);
  const best = new Int32Array(nTokens).fill(-1);
  windows.forEach(([start, end], k) => {
    const length = end - start;
    for (let i = 0; i < length; i++) {
      const context = Math.min(i, length - 1 - i);
      if (context > best[start + i]) { best[start + i] = context; stitched[start + i] = outputs[k][i]; }
    }
  });
  if (best.some((b) => b < 0)) throw new Error("windows do not cover every token");
  return stitched;
}
