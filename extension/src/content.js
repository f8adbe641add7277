// proplens extension — content script (isolated world: the page's scripts cannot see any of this).
// Places the analysis's fragments on the page's own text, highlights them, shows tooltips and a panel.
import { unwrap, wrap } from "./marks.js";
import { indexPage, locate } from "./page-text.js";

/** What is on the page now: the changes to undo, the marks, the spans and the panel's filters.
 * @type {null | {changes: any[], marks: HTMLElement[], spans: any[], colours: Record<string, any>,
 *   ui: {host: HTMLElement, slider: HTMLInputElement}, threshold: number, hidden: Set<string>}} */
let state = null;

function light(hex) {
  const n = parseInt(hex.slice(1), 16), mix = (v) => Math.round(v + (255 - v) * 0.55);
  return `rgb(${mix(n >> 16)}, ${mix((n >> 8) & 255)}, ${mix(n & 255)})`;
}

function paint(mark, colour, on) {
  const set = (k, v) => mark.style.setProperty(k, v, "important");
  set("background-color", on ? light(colour) : "transparent");
  set("border-bottom", on ? `2px solid ${colour}` : "0 solid transparent");
  set("color", "inherit"); set("cursor", on ? "help" : "auto"); set("padding", "0");
  set("border-radius", "2px"); set("display", "inline"); set("font", "inherit");
  set("visibility", "visible"); set("opacity", "1");
}

/** Each span of the analysis, with its index and whether its target is a guess (the nearest name: the
 * sentence's structure does not support it). */
function spansOf(analysis) {
  const guessed = new Set();
  for (const t of analysis.targets || []) {
    (t.spans || []).forEach((i, j) => { if ((t.how || [])[j] === "nearest") guessed.add(i); });
  }
  return analysis.spans.map((s, i) => ({ ...s, index: i, guess: guessed.has(i) }));
}

/** Highlight the analysis on the page; returns how many fragments were placed, listed (not placed: not
 * unambiguous on the page) and how many marks that took. */
function show(analysis, colours, server) {
  remove();
  const index = indexPage();
  const spans = spansOf(analysis);
  const placed = [], listed = [];
  for (const span of spans) {
    const at = locate(index, analysis.article.text, span.start, span.end);
    if (at) placed.push({ span, from: at[0], to: at[1] }); else listed.push(span);
  }
  const { changes, marks } = wrap(index, placed);
  const ui = panel(analysis, spans, colours, placed.length, listed, server);
  state = { changes, marks, spans, colours, ui, threshold: 0, hidden: new Set() };
  for (const mark of marks) {
    refresh(mark);
    mark.addEventListener("mouseenter", () => tip(mark));
    mark.addEventListener("focus", () => tip(mark));
    mark.addEventListener("mouseleave", () => untip());
    mark.addEventListener("blur", () => untip());
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
  paint(mark, (state.colours[first.technique] || {}).colour || "#999999", shown.length > 0);
  mark.dataset.off = shown.length ? "" : "1";
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
    line.textContent = `${info.name} · ${Math.round((s.score ?? 1) * 100)}%` + (s.target ? ` → ${s.target}${s.guess ? " (a guess: the nearest name)" : ""}` : "");
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
  title.textContent = `proplens · score ${Math.round(analysis.figures.propaganda_score || 0)}/100 · ${placed} of ${spans.length} fragments highlighted`;
  // the panel folds down to its title line, so it never has to cover the page's corner
  const fold = document.createElement("button");
  fold.textContent = "–"; fold.title = "Fold the panel"; fold.setAttribute("aria-expanded", "true");
  fold.style.cssText = "font:700 14px/1 system-ui,sans-serif;border:1px solid #ccd;border-radius:6px;background:#f3f4f8;color:#1d2330;padding:2px 8px;cursor:pointer";
  h.append(title, fold);
  box.appendChild(h);
  const body = document.createElement("div");
  fold.addEventListener("click", () => {
    const open = body.style.display === "none";
    body.style.display = open ? "" : "none";
    box.style.width = open ? "min(300px,calc(100vw - 24px))" : "auto";
    title.textContent = open ? (title.dataset.full ?? "") : `proplens ${Math.round(analysis.figures.propaganda_score || 0)}/100`;
    fold.textContent = open ? "–" : "+";
    fold.title = open ? "Fold the panel" : "Unfold the panel";
    fold.setAttribute("aria-expanded", String(open));
  });
  title.dataset.full = title.textContent;
  const counts = {};
  for (const s of spans) counts[s.technique] = (counts[s.technique] || 0) + 1;
  for (const [id, n] of Object.entries(counts)) {
    const label = document.createElement("label");
    label.style.display = "block";
    const box2 = document.createElement("input");
    box2.type = "checkbox"; box2.checked = true; box2.dataset.technique = id;
    box2.addEventListener("change", () => {
      if (!state) return;
      if (box2.checked) state.hidden.delete(id); else state.hidden.add(id); state.marks.forEach(refresh); });
    const swatch = document.createElement("span");
    swatch.style.cssText = `display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 6px;background:${(colours[id] || {}).colour || "#999"}`;
    label.append(box2, swatch, `${(colours[id] || {}).name || id} ×${n}`);
    body.appendChild(label);
  }
  const slider = document.createElement("input");
  // from the minimum the analysis kept (lower shows nothing more: set a lower one in the options)
  const kept = Number((analysis.figures || {}).min_score) || 0;
  slider.type = "range"; slider.min = String(kept); slider.max = "0.99"; slider.step = "0.01"; slider.value = String(kept);
  slider.setAttribute("aria-label", "Minimum score");
  slider.addEventListener("input", () => {
    if (!state) return;
    state.threshold = Number(slider.value); state.marks.forEach(refresh); });
  body.append("Minimum score ", slider);
  if (listed.length) {
    const note = document.createElement("div");
    note.textContent = `Not placed on the page (found ${listed.length === 1 ? "once" : "there"} in the article, but not unambiguously here):`;
    body.appendChild(note);
    const ul = document.createElement("ul");
    for (const s of listed) { const li = document.createElement("li"); li.textContent = `${(colours[s.technique] || {}).name || s.technique}: “${s.text}”`; ul.appendChild(li); }
    body.appendChild(ul);
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
  return { host, slider };
}

/** Put the page back exactly as it was. */
function remove() {
  untip();
  if (!state) return;
  unwrap(state.changes);
  state.ui.host.remove();
  state = null;
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
    else if (message.type === "proplens:show") reply(show(message.analysis, message.colours || {}, message.server));
    else if (message.type === "proplens:remove") { remove(); reply({ removed: true }); }
    else if (__TEST__ && message.type === "proplens:threshold") reply({ threshold: setThreshold(message.value) });
    return false;
  });
}
