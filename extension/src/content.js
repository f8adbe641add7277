// proplens extension — content script (isolated world: the page's scripts cannot see any of this).
// Places the analysis's fragments on the page's own text, highlights them, shows tooltips and a panel in
// which the reader can also review them (accept, reject, relabel, resize, add, done) through the server.
import { unwrap, wrap } from "./marks.js";
import { articleRange, indexPage, locate } from "./page-text.js";
import { readArticle } from "./reader.js";
import { reviewSection } from "./review-panel.js";

/** What is shown: the analysis, its colours and server, and the reviews' state (from the server).
 * @type {null | {analysis: any, colours: Record<string, any>, server: string, review: any}} */
let current = null;

/** What is on the page now: the changes to undo, the marks, the spans and the panel's filters.
 * @type {null | {changes: any[], marks: HTMLElement[], spans: any[], colours: Record<string, any>,
 *   ui: {host: HTMLElement, slider: HTMLInputElement, review: any}, threshold: number, hidden: Set<string>,
 *   folded: boolean, chosen: number | null}} */
let state = null;

function light(hex) {
  const n = parseInt(hex.slice(1), 16), mix = (v) => Math.round(v + (255 - v) * 0.55);
  return `rgb(${mix(n >> 16)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
}

// reviewed: "accepted" and "added" solid in the technique's colour, "rejected" struck through
function paint(mark, colour, on, reviewed) {
  const set = (k, v) => mark.style.setProperty(k, v, "important");
  const solid = on && (reviewed === "accepted" || reviewed === "added");
  set("background-color", solid ? colour : on ? light(colour) : "transparent");
  set("border-bottom", on ? `2px solid ${colour}` : "0 solid transparent");
  set("color", solid ? "#fff" : "inherit"); set("cursor", on ? "help" : "auto"); set("padding", "0");
  set("border-radius", "2px"); set("display", "inline"); set("font", "inherit");
  set("visibility", "visible"); set("opacity", on && reviewed === "rejected" ? "0.7" : "1");
  set("text-decoration", on && reviewed === "rejected" ? "line-through 2px #8a1c1c" : "none");
  const chosen = state && state.chosen !== null && mark.dataset.spans.split(" ").map(Number).includes(state.chosen);
  set("outline", chosen ? "2px solid #6b3fa0" : "none");
}

/** Each span of the analysis, with its index and whether its target is a guess (the nearest name: the
 * sentence's structure does not support it); then the fragments reviewers added, after them. */
function spansOf(analysis, review) {
  const guessed = new Set();
  for (const t of analysis.targets || []) {
    (t.spans || []).forEach((i, j) => { if ((t.how || [])[j] === "nearest") guessed.add(i); });
  }
  const spans = analysis.spans.map((s, i) => ({ ...s, index: i, guess: guessed.has(i), reviewed: "open" }));
  for (const r of (review && review.spans) || []) {
    if (r.span !== null && spans[r.span]) spans[r.span].reviewed = r.status;
    else if (r.status === "added") {
      spans.push({ start: r.start, end: r.end, technique: r.technique, score: 1, index: spans.length,
        added: r.added, reviewed: "added", text: analysis.article.text.slice(r.start, r.end) });
    }
  }
  return spans;
}

/** Highlight the analysis on the page; returns how many fragments were placed, listed (not placed: not
 * unambiguous on the page) and how many marks that took. */
function show(analysis, colours, server) {
  current = { analysis, colours, server, review: null };
  const summary = render();
  if (analysis.id) {
    chrome.runtime.sendMessage({ type: "proplens:review", analysis: analysis.id }).then((answer) => {
      if (!answer || !answer.ok || !current || current.analysis !== analysis) return;
      current.review = answer.result;
      // drawn again only when someone has reviewed it: otherwise the page stays as it is (no flicker, and
      // marks a reader is pointing at are not replaced)
      if (answer.result.reviews && answer.result.reviews.length) render(); else if (state) state.ui.review.summary(answer.result);
    }, () => {});
  }
  return summary;
}

/** (Re)draw the highlights and the panel for `current`, keeping the panel's filters and folding. */
function render() {
  if (!current) return { placed: 0, listed: 0, marks: 0 };
  const kept = state ? { threshold: state.threshold, hidden: state.hidden, folded: state.folded, chosen: state.chosen } : null;
  clear();
  const { analysis, colours, server, review } = current;
  const index = indexPage();
  const spans = spansOf(analysis, review);
  const placed = [], listed = [];
  for (const span of spans) {
    const at = locate(index, analysis.article.text, span.start, span.end);
    if (at) placed.push({ span, from: at[0], to: at[1] }); else listed.push(span);
  }
  const { changes, marks } = wrap(index, placed);
  state = {
    changes, marks, spans, colours, ui: /** @type {any} */ (null), threshold: 0, hidden: new Set(),
    folded: false, chosen: null, ...(kept || {}),
  };
  const placedFound = placed.filter((p) => p.span.added === undefined).length;
  state.ui = panel(analysis, spans, colours, placedFound, listed, server);
  for (const mark of marks) {
    refresh(mark);
    mark.addEventListener("mouseenter", () => tip(mark));
    mark.addEventListener("focus", () => { tip(mark); choose(mark); });
    mark.addEventListener("click", () => choose(mark));
    mark.addEventListener("mouseleave", () => untip());
    mark.addEventListener("blur", () => untip());
    mark.addEventListener("keydown", (event) => state && state.ui.review.key(event));
  }
  const chosen = kept ? kept.chosen : null;
  if (chosen !== null) {
    const again = marks.find((m) => String(m.dataset.spans).split(" ").map(Number).includes(chosen));
    if (again) again.focus({ preventScroll: true });
  }
  return { placed: placed.length, listed: listed.length, marks: marks.length };
}

function visibleSpans(mark) {
  const now = state;
  if (!now) return [];
  return mark.dataset.spans.split(" ").map(Number).map((i) => now.spans[i])
    .filter((s) => (s.score ?? 1) >= now.threshold && !now.hidden.has(s.technique));
}

function refresh(mark) {
  if (!state) return;
  const shown = visibleSpans(mark);
  const first = shown[0] || state.spans[Number(mark.dataset.spans.split(" ")[0])];
  paint(mark, (state.colours[first.technique] || {}).colour || "#999999", shown.length > 0, first.reviewed);
  mark.dataset.off = shown.length ? "" : "1";
}

function choose(mark) {
  if (!state) return;
  state.chosen = Number(mark.dataset.spans.split(" ")[0]);
  state.marks.forEach(refresh);
  state.ui.review.chose(state.spans[state.chosen]);
}

// A host element the page's CSS cannot hide (inline !important beats any stylesheet rule).
function uiHost() {
  const host = document.createElement("proplens-ui");
  for (const [k, v] of [["all", "initial"], ["display", "block"], ["visibility", "visible"], ["opacity", "1"]]) {
    host.style.setProperty(k, v, "important");
  }
  return host;
}

let tipHost = null;
function tip(mark) {
  if (!state || mark.dataset.off) return;
  untip();
  tipHost = uiHost();
  const root = tipHost.attachShadow({ mode: "closed" });
  const box = document.createElement("div");
  box.setAttribute("role", "tooltip");
  box.style.cssText = "position:fixed;z-index:2147483647;max-width:340px;background:#1d2330;color:#fff;font:13px/1.4 system-ui,sans-serif;padding:8px 10px;border-radius:6px;box-shadow:0 6px 18px rgba(0,0,0,.25)";
  const colours = state.colours;
  for (const s of visibleSpans(mark)) {
    const info = colours[s.technique] || { name: s.technique, definition: "" };
    const line = document.createElement("div");
    const why = (s.cues || []).map((c) => `“${c.text}”`).join(", ");
    const reviewed = s.reviewed && s.reviewed !== "open" ? ` · ${s.reviewed}` : "";
    line.textContent = `${info.name} · ${Math.round((s.score ?? 1) * 100)}%` + (s.target ? ` → ${s.target}${s.guess ? " (a guess: the nearest name)" : ""}` : "") + reviewed;
    box.appendChild(line);
    if (why) { const w = document.createElement("div"); w.textContent = `Why: ${why}`; w.style.color = "#ffd27a"; box.appendChild(w); }
    if (info.definition) { const d = document.createElement("div"); d.textContent = info.definition; d.style.opacity = ".85"; box.appendChild(d); }
  }
  const r = mark.getBoundingClientRect();
  box.style.left = `${Math.max(4, Math.min(r.left, innerWidth - 350))}px`;
  box.style.top = `${r.bottom + 6}px`;
  root.appendChild(box);
  document.documentElement.appendChild(tipHost);
}
function untip() { if (tipHost) { tipHost.remove(); tipHost = null; } }

function panel(analysis, spans, colours, placed, listed, server) {
  const host = uiHost();
  const root = host.attachShadow({ mode: "closed" });
  const box = document.createElement("aside");
  box.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483646;width:min(300px,calc(100vw - 24px));max-height:70vh;overflow:auto;background:#fff;color:#1d2330;border:1px solid #ccd;border-radius:10px;box-shadow:0 8px 24px rgba(0,0,0,.2);font:13px/1.45 system-ui,sans-serif;padding:10px 12px";
  const h = document.createElement("div");
  h.style.cssText = "display:flex;gap:8px;align-items:flex-start;font-weight:700";
  const title = document.createElement("span");
  title.style.flex = "1";
  const found = analysis.spans.length;
  title.textContent = `proplens · score ${Math.round(analysis.figures.propaganda_score || 0)}/100 · ${placed} of ${found} fragments highlighted`;
  const short = `proplens ${Math.round(analysis.figures.propaganda_score || 0)}/100`;
  // the panel folds down to its title line, so it never has to cover the page's corner
  const fold = document.createElement("button");
  fold.style.cssText = "font:700 14px/1 system-ui,sans-serif;border:1px solid #ccd;border-radius:6px;background:#f3f4f8;color:#1d2330;padding:2px 8px;cursor:pointer";
  h.append(title, fold);
  box.appendChild(h);
  const body = document.createElement("div");
  const full = title.textContent;
  function folded(yes) {
    body.style.display = yes ? "none" : "";
    box.style.width = yes ? "auto" : "min(300px,calc(100vw - 24px))";
    title.textContent = yes ? short : full;
    fold.textContent = yes ? "+" : "–";
    fold.title = yes ? "Unfold the panel" : "Fold the panel";
    fold.setAttribute("aria-expanded", String(!yes));
    if (state) state.folded = yes;
  }
  fold.addEventListener("click", () => folded(body.style.display !== "none"));
  const counts = {};
  for (const s of spans) counts[s.technique] = (counts[s.technique] || 0) + 1;
  for (const [id, n] of Object.entries(counts)) {
    const label = document.createElement("label");
    label.style.display = "block";
    const box2 = document.createElement("input");
    box2.type = "checkbox"; box2.checked = !(state && state.hidden.has(id)); box2.dataset.technique = id;
    box2.addEventListener("change", () => {
      if (!state) return;
      if (box2.checked) state.hidden.delete(id); else state.hidden.add(id);
      state.marks.forEach(refresh);
    });
    const swatch = document.createElement("span");
    swatch.style.cssText = `display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 6px;background:${(colours[id] || {}).colour || "#999"}`;
    label.append(box2, swatch, `${(colours[id] || {}).name || id} ×${n}`);
    body.appendChild(label);
  }
  const slider = document.createElement("input");
  // from the minimum the analysis kept (lower shows nothing more: set a lower one in the options)
  const kept = Number((analysis.figures || {}).min_score) || 0;
  slider.type = "range"; slider.min = String(kept); slider.max = "0.99"; slider.step = "0.01";
  slider.value = String(state && state.threshold > kept ? state.threshold : kept);
  slider.setAttribute("aria-label", "Minimum score");
  slider.addEventListener("input", () => {
    if (!state) return;
    state.threshold = Number(slider.value);
    state.marks.forEach(refresh);
  });
  body.append("Minimum score ", slider);
  if (listed.length) {
    const note = document.createElement("div");
    note.textContent = `Not placed on the page (found ${listed.length === 1 ? "once" : "there"} in the article, but not unambiguously here):`;
    body.appendChild(note);
    const ul = document.createElement("ul");
    for (const s of listed) { const li = document.createElement("li"); li.textContent = `${(colours[s.technique] || {}).name || s.technique}: “${s.text}”`; ul.appendChild(li); }
    body.appendChild(ul);
  }
  const review = reviewSection({
    analysis, spans, colours, review: current && current.review,
    send: (action) => send(action),
    selected: () => selectedRange(analysis),
  });
  if (analysis.id) body.appendChild(review.element);
  if (!server) {
    const here = document.createElement("div");
    here.style.cssText = "color:#5b6475;margin-top:4px";
    here.textContent = "Analysed in this browser: nothing left your machine.";
    body.appendChild(here);
  }
  if (analysis.id) {
    const a = document.createElement("a");
    a.href = `${server.replace(/\/+$/, "")}/a/${analysis.id}`; a.target = "_blank"; a.rel = "noopener";
    a.textContent = "Full result page"; a.style.display = "block";
    body.appendChild(a);
  }
  const button = document.createElement("button");
  button.textContent = "Remove highlights";
  button.addEventListener("click", () => remove());
  body.appendChild(button);
  box.appendChild(body);
  root.appendChild(box);
  document.documentElement.appendChild(host);
  folded(!!(state && state.folded));
  if (state && state.chosen !== null && state.spans[state.chosen]) review.chose(state.spans[state.chosen]);
  return { host, slider, review };
}

// The page's last selection outside our own UI: a click on a panel button must not lose it.
let lastSelection = "";
document.addEventListener("selectionchange", () => {
  const text = String(window.getSelection() || "");
  if (text.trim()) lastSelection = text;
});

function selectedRange(analysis) {
  const text = String(window.getSelection() || "").trim() || lastSelection;
  return articleRange(analysis.article.text, text);
}

/** One review action through the service worker (which adds the reviewer's name and the token); the page
 * is drawn again with what the reviews now add up to. Returns an error message, or "" when saved. */
async function send(action) {
  if (!current || !current.analysis.id) return "this analysis was not stored: it cannot be reviewed";
  const answer = await chrome.runtime.sendMessage({ type: "proplens:review", analysis: current.analysis.id, action })
    .catch((error) => ({ ok: false, error: String(error) }));
  if (!answer || !answer.ok) return (answer && answer.error) || "no answer from the extension";
  current.review = answer.result;
  lastSelection = "";
  render();
  return "";
}

/** Take the highlights and the panel off the page (the page's DOM exactly as it was). */
function clear() {
  untip();
  if (!state) return;
  unwrap(state.changes);
  state.ui.host.remove();
  state = null;
}

/** Put the page back exactly as it was, and forget the analysis. */
function remove() {
  clear();
  current = null;
}

/** The minimum score of the highlights shown (the panel's slider does the same). */
function setThreshold(value) {
  if (!state) return null;
  state.threshold = Number(value) || 0;
  state.ui.slider.value = String(state.threshold);
  state.marks.forEach(refresh);
  return state.threshold;
}

if (!globalThis.__proplens) {  // injected again on each analysis: listen once
  globalThis.__proplens = true;
  chrome.runtime.onMessage.addListener((message, sender, reply) => {
    if (sender.id !== chrome.runtime.id || !message) return false;
    if (message.type === "proplens:page") reply({ html: document.documentElement.outerHTML, url: location.href });
    else if (message.type === "proplens:read") reply({ ...readArticle(document), url: location.href });
    else if (message.type === "proplens:show") reply(show(message.analysis, message.colours || {}, message.server));
    else if (message.type === "proplens:remove") { remove(); reply({ removed: true }); }
    else if (__TEST__ && message.type === "proplens:threshold") reply({ threshold: setThreshold(message.value) });
    return false;
  });
}
