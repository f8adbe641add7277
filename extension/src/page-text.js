// Where the article's fragments are on the page: the page's text as one normalised string with, for every
// character, the text node and offset it came from; a fragment is placed only where it is unambiguous.

const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "TEMPLATE", "PROPLENS-MARK", "PROPLENS-UI"]);
const BLOCK = /^(P|DIV|H[1-6]|LI|UL|OL|TD|TH|TR|TABLE|ARTICLE|SECTION|HEADER|FOOTER|NAV|ASIDE|MAIN|BLOCKQUOTE|PRE|FIGURE|FIGCAPTION|BR|HR|DL|DT|DD)$/;

/** @typedef {{text: string, where: ([Text, number] | null)[]}} PageIndex */

function fold(c) {
  if ("\u2018\u2019\u201a\u201b\u2032".includes(c)) return "'";
  if ("\u201c\u201d\u201e\u201f\u2033".includes(c)) return '"';
  if ("\u2013\u2014\u2212".includes(c)) return "-";
  return c.toLowerCase();
}

// The normalised text of `s` (whitespace runs as one space, quotes and dashes folded, lower case).
export function normalise(s) {
  let out = "";
  for (const c of s) {
    if (/\s/.test(c)) { if (out && !out.endsWith(" ")) out += " "; } else out += fold(c);
  }
  return out.trim();
}

function blockOf(node) {
  for (let el = node.parentElement; el; el = el.parentElement) if (BLOCK.test(el.tagName)) return el;
  return null;
}

// The page's text as one normalised string, with, for every character, the text node and offset it
// came from (null for the spaces put between blocks).
export function indexPage() {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) if (SKIP.has(el.tagName)) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  /** @type {([Text, number] | null)[]} */
  const where = [];
  let text = "", lastBlock, node;
  while ((node = /** @type {Text | null} */ (walker.nextNode()))) {
    const block = blockOf(node);
    if (text && block !== lastBlock && !text.endsWith(" ")) { text += " "; where.push(null); }
    lastBlock = block;
    const data = node.data;
    for (let i = 0; i < data.length; i++) {
      const c = data[i];
      if (/\s/.test(c)) {
        if (text && !text.endsWith(" ")) { text += " "; where.push([node, i]); }
      } else { const f = fold(c); text += f; for (let k = 0; k < f.length; k++) where.push([node, i]); }
    }
  }
  return { text, where };
}

function occurrences(haystack, needle) {
  const found = [];
  if (!needle) return found;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

// Where a fragment of the article sits in the page: unique, or nothing (never a guess).
export function locate(index, articleText, start, end) {
  const fragment = normalise(articleText.slice(start, end));
  let hits = occurrences(index.text, fragment);
  if (hits.length === 1) return [hits[0], hits[0] + fragment.length];
  if (hits.length === 0) return null;
  for (const width of [30, 80]) {  // ambiguous: let the words around it decide
    const before = normalise(articleText.slice(Math.max(0, start - width), start));
    const after = normalise(articleText.slice(end, end + width));
    for (const [b, a] of [[before, after], [before, ""], ["", after]]) {
      const probe = (b ? b + " " : "") + fragment + (a ? " " + a : "");
      hits = occurrences(index.text, probe);
      if (hits.length === 1) {
        const at = hits[0] + (b ? b.length + 1 : 0);
        if (index.text.slice(at, at + fragment.length) === fragment) return [at, at + fragment.length];
      }
    }
  }
  return null;
}

// `text` normalised as `normalise` does, with the offset in `text` each normalised character came from.
function normalisedWithOffsets(text) {
  let out = "";
  const from = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (out && !out.endsWith(" ")) { out += " "; from.push(i); }
    } else { const f = fold(c); out += f; for (let k = 0; k < f.length; k++) from.push(i); }
  }
  while (out.endsWith(" ")) { out = out.slice(0, -1); from.pop(); }
  return { out, from };
}

// Where words selected on the page are in the article text: [start, end) when they occur there exactly
// once (null otherwise: select a few more words). The inverse of `locate`, for adding a fragment.
export function articleRange(articleText, selected) {
  const needle = normalise(selected);
  if (!needle) return null;
  const { out, from } = normalisedWithOffsets(articleText);
  const hits = occurrences(out, needle);
  if (hits.length !== 1) return null;
  return [from[hits[0]], from[hits[0] + needle.length - 1] + 1];
}
