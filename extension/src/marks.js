// Highlights as elements around the page's own text: text nodes are cut at the fragments' ends and the
// covered pieces wrapped in <proplens-mark>; everything done is recorded so that `unwrap` puts the page
// back exactly as it was.

/** @typedef {{span: {index: number}, from: number, to: number}} Placement */
/** @typedef {{node: Text, original: string, parent: Node, next: Node | null, created: Node[]}} Change */

/** The placements' characters grouped by text node: node -> [[offset, span index], ...].
 * @param {import("./page-text.js").PageIndex} index @param {Placement[]} placed */
function coveredCharacters(index, placed) {
  const cuts = new Map();
  for (const p of placed) {
    for (let i = p.from; i < p.to; i++) {
      const w = index.where[i];
      if (!w) continue;
      const [node, offset] = w;
      if (!cuts.has(node)) cuts.set(node, []);
      cuts.get(node).push([offset, p.span.index]);
    }
  }
  return cuts;
}

/** Runs of a text's characters covered by the same set of spans: [start, end, "i j ..."] ("" = none). */
function pieces(length, points) {
  const covering = new Map();
  for (const [offset, s] of points) {
    if (!covering.has(offset)) covering.set(offset, new Set());
    covering.get(offset).add(s);
  }
  const runs = [];
  let current = null;
  for (let i = 0; i < length; i++) {
    const key = covering.has(i) ? [...covering.get(i)].sort().join(" ") : "";
    if (!current || current[2] !== key) { current = [i, i + 1, key]; runs.push(current); } else current[1] = i + 1;
  }
  return runs;
}

/** Wrap the placed fragments; returns the marks (focusable, `data-spans` = the span indices they carry)
 * and the changes `unwrap` undoes.
 * @param {import("./page-text.js").PageIndex} index @param {Placement[]} placed */
export function wrap(index, placed) {
  /** @type {Change[]} */
  const changes = [];
  /** @type {HTMLElement[]} */
  const marks = [];
  for (const [node, points] of coveredCharacters(index, placed)) {
    const original = node.data;
    const runs = pieces(original.length, points);
    const created = [];
    const parent = node.parentNode, next = node.nextSibling;
    node.data = original.slice(runs[0][0], runs[0][1]);
    runs.forEach(([a, b, key], k) => {
      const piece = k === 0 ? node : document.createTextNode(original.slice(a, b));
      if (k > 0) { parent.insertBefore(piece, next); created.push(piece); }
      if (!key) return;
      const mark = document.createElement("proplens-mark");
      mark.tabIndex = 0;
      mark.dataset.spans = String(key);
      parent.insertBefore(mark, piece.nextSibling);
      mark.appendChild(piece);
      created.push(mark);
      marks.push(mark);
      if (piece === node) created.push(piece);  // moved into a mark: put back on unwrap
    });
    changes.push({ node, original, parent, next, created });
  }
  return { changes, marks };
}

/** Undo `wrap`'s changes, last first. @param {Change[]} changes */
export function unwrap(changes) {
  for (const { node, original, parent, next, created } of [...changes].reverse()) {
    for (const n of created) if (n !== node && n.parentNode) n.parentNode.removeChild(n);
    node.data = original;
    if (node.parentNode !== parent) parent.insertBefore(node, next);
  }
}
