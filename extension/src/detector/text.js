// Python's str predicates and regular expressions as the detector uses them, so that JavaScript draws the
// same spans: `isalnum`, `isspace`, `isalpha`, `isupper`, `isdigit`, `\w`.
const ALNUM = /^[\p{L}\p{N}]$/u;
const ALPHA = /^\p{L}$/u;
const UPPER = /^\p{Lu}$/u;
const DIGIT = /^\p{Nd}$/u;
const WHITE = /^\p{White_Space}$/u;

export const isAlnum = (c) => ALNUM.test(c);
export const isAlpha = (c) => ALPHA.test(c);
export const isUpper = (c) => UPPER.test(c);
export const isDigit = (c) => DIGIT.test(c);
export const isSpace = (c) => WHITE.test(c) || (c >= "\x1c" && c <= "\x1f");
/** Python's `str.isspace()` of a whole string (false when empty). */
export const allSpace = (s) => s.length > 0 && [...s].every(isSpace);
/** Python's `str.isupper()`: a cased character, and every cased one upper case. */
export const wordIsUpper = (s) => /\p{Lu}/u.test(s) && !/[\p{Ll}\p{Lt}]/u.test(s);
/** Python's `str.isalpha()` (false when empty). */
export const wordIsAlpha = (s) => s.length > 0 && [...s].every(isAlpha);
/** Python's `\w` as a character class body. */
export const WORD = "\\p{L}\\p{N}_";
/** Non-overlapping occurrences of `needle` in `haystack` (Python's `str.count`). */
export function count(haystack, needle) {
  if (!needle) return haystack.length + 1;
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}
const SPACE = "\\p{White_Space}\\x1c-\\x1f";  // Python's whitespace (JavaScript's \s also has U+FEFF)
const SPACES = new RegExp(`[${SPACE}]+`, "u");
const LEADING = new RegExp(`^[${SPACE}]+`, "u");
const TRAILING = new RegExp(`[${SPACE}]+$`, "u");
/** Python's `str.split()` without arguments. */
export const splitWords = (s) => s.split(SPACES).filter((w) => w.length > 0);
/** Python's `str.rstrip()` and `str.strip()` of whitespace. */
export const rstrip = (s) => s.replace(TRAILING, "");
export const strip = (s) => rstrip(s).replace(LEADING, "");
/** Python's `round(x, 4)`, close enough for scores (ties to even are measure-zero). */
export const round4 = (x) => Math.round(x * 1e4) / 1e4;
