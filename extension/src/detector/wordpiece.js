// BERT's tokenizer (BertNormalizer + BertPreTokenizer + WordPiece, as in Hugging Face `tokenizers`) with each
// token's character range in the original text: @huggingface/tokenizers gives ids but no offsets, and the
// detector needs offsets to turn token probabilities into character spans. Pinned to the Python tokenizer
// token for token by tests/test_extension_detector.py over the dev articles.

const WHITESPACE = /^\p{White_Space}$/u;
const OTHER = /^\p{C}$/u;  // Rust's char::is_other: Cc, Cf, Cs, Co, Cn
const NONSPACING_MARK = /^\p{Mn}$/u;
const PUNCTUATION = /^\p{P}$/u;
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

function isWhitespace(c) { return c === "\t" || c === "\n" || c === "\r" || WHITESPACE.test(c); }
function isControl(c) { return c !== "\t" && c !== "\n" && c !== "\r" && OTHER.test(c); }
function isPunctuation(c) { return ASCII_PUNCTUATION.test(c) || PUNCTUATION.test(c); }
function isChinese(cp) {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df)
    || (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b920 && cp <= 0x2ceaf)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

/** The normalised characters of `text` (one code point each), each with the [start, end) of the original
 * character it came from, in UTF-16 units. */
function normalised(text, { lowercase, stripAccents, chinese, clean }) {
  const chars = [], from = [];
  let at = 0;
  for (const c of text) {
    const start = at;
    at += c.length;
    const cp = /** @type {number} */ (c.codePointAt(0));
    if (clean && (cp === 0 || cp === 0xfffd || isControl(c))) continue;
    const base = clean && isWhitespace(c) ? " " : c;
    let pieces = chinese && isChinese(cp) ? [" ", base, " "] : [base];
    if (stripAccents) pieces = pieces.flatMap((p) => [...p.normalize("NFD")].filter((m) => !NONSPACING_MARK.test(m)));
    if (lowercase) pieces = pieces.flatMap((p) => [...p.toLowerCase()]);
    for (const p of pieces) { chars.push(p); from.push([start, at]); }
  }
  return { chars, from };
}

/** Words of the normalised text: runs between whitespace, each punctuation character a word of its own;
 * [first, last + 1) indices into the normalised characters. */
function words(chars) {
  const found = [];
  let start = -1;
  chars.forEach((c, i) => {
    if (isWhitespace(c)) { if (start >= 0) found.push([start, i]); start = -1; return; }
    if (isPunctuation(c)) { if (start >= 0) found.push([start, i]); found.push([i, i + 1]); start = -1; return; }
    if (start < 0) start = i;
  });
  if (start >= 0) found.push([start, chars.length]);
  return found;
}

export class WordPiece {
  /** @param {any} json the parsed tokenizer.json of a BERT-style (WordPiece) model */
  constructor(json) {
    if (!json.model || json.model.type !== "WordPiece") throw new Error("not a WordPiece tokenizer.json");
    const normalizer = json.normalizer || {};
    if (normalizer.type !== "BertNormalizer") throw new Error("only the BertNormalizer is supported");
    const lowercase = normalizer.lowercase !== false;
    this.options = {
      lowercase,
      stripAccents: normalizer.strip_accents === null || normalizer.strip_accents === undefined ? lowercase : !!normalizer.strip_accents,
      chinese: normalizer.handle_chinese_chars !== false,
      clean: normalizer.clean_text !== false,
    };
    this.vocab = new Map(Object.entries(json.model.vocab));
    this.prefix = json.model.continuing_subword_prefix || "##";
    this.maxChars = json.model.max_input_chars_per_word || 100;
    this.unk = this.vocab.get(json.model.unk_token || "[UNK]");
    this.cls = this.vocab.get("[CLS]");
    this.sep = this.vocab.get("[SEP]");
  }

  /** Token ids and [start, end) offsets (UTF-16 units) of `text`, without special tokens.
   * @param {string} text @returns {{ids: number[], offsets: [number, number][]}} */
  encode(text) {
    const { chars, from } = normalised(text, this.options);
    /** @type {number[]} */
    const ids = [];
    /** @type {[number, number][]} */
    const offsets = [];
    for (const [first, last] of words(chars)) {
      const word = chars.slice(first, last);
      const pieces = this.pieces(word);
      for (const [id, a, b] of pieces) {
        ids.push(id);
        offsets.push([from[first + a][0], from[first + b - 1][1]]);
      }
    }
    return { ids, offsets };
  }

  /** Greedy longest-match-first WordPiece of one word: [id, first, last + 1] per piece, or the whole word
   * as the unknown token. */
  pieces(word) {
    if (word.length > this.maxChars) return [[this.unk, 0, word.length]];
    const found = [];
    for (let start = 0; start < word.length;) {
      let end = word.length, id;
      for (; end > start; end--) {
        const piece = (start > 0 ? this.prefix : "") + word.slice(start, end).join("");
        id = this.vocab.get(piece);
        if (id !== undefined) break;
      }
      if (id === undefined) return [[this.unk, 0, word.length]];
      found.push([id, start, end]);
      start = end;
    }
    return found;
  }
}
