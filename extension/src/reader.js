// The article on the page, as text the detector reads: Mozilla's Readability picks the article out of
// navigation, adverts and comments; its blocks (headings, paragraphs, list items) become lines, so that
// spans do not run across them, as in the server's extracted text.
import { Readability } from "@mozilla/readability";

const BLOCKS = "h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,figcaption,td,th,dt,dd";

/** @param {Document} page @returns {{title: string, text: string}} */
export function readArticle(page) {
  const parsed = new Readability(/** @type {Document} */ (page.cloneNode(true))).parse();
  if (!parsed || !parsed.content) return { title: page.title || "", text: "" };
  const body = new DOMParser().parseFromString(parsed.content, "text/html").body;
  const lines = [];
  for (const block of body.querySelectorAll(BLOCKS)) {
    if (block.querySelector(BLOCKS)) continue;  // its inner blocks are lines of their own
    const line = (block.textContent || "").replace(/\s+/g, " ").trim();
    if (line) lines.push(line);
  }
  if (!lines.length) lines.push((parsed.textContent || "").replace(/\s+/g, " ").trim());
  const title = (parsed.title || page.title || "").trim();
  const text = (title && lines[0] !== title ? [title, ...lines] : lines).join("\n");
  return { title, text };
}
