// proplens extension — content script (isolated world: the page's scripts cannot see any of this).
// Places the server's fragments on the page's own text, highlights them, shows tooltips and a panel.
"use strict";

if (!globalThis.__proplens) {
  globalThis.__proplens = true;

  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "TEMPLATE", "PROPLENS-MARK", "PROPLENS-UI"]);
  const BLOCK = /^(P|DIV|H[1-6]|LI|UL|OL|TD|TH|TR|TABLE|ARTICLE|SECTION|HEADER|FOOTER|NAV|ASIDE|MAIN|BLOCKQUOTE|PRE|FIGURE|FIGCAPTION|BR|HR|DL|DT|DD)$/;
  let state = null;  // {restore: [...], marks: [...], spans, ui}

  function fold(c) {
    if ("\u2018\u2019\u201a\u201b\u2032".includes(c)) return "'";
    if ("\u201c\u201d\u201e\u201f\u2033".includes(c)) return '"';
    if ("\u2013\u2014\u2212".includes(c)) return "-";
    return c.toLowerCase();
  }

  // The normalised text of `s` (whitespace runs as one space, quotes and dashes folded, lower case).
  function normalise(s) {
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
  function indexPage() {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        for (let el = node.parentElement; el; el = el.parentElement) if (SKIP.has(el.tagName)) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    let text = "", where = [], lastBlock, node;
    while ((node = walker.nextNode())) {
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
  function locate(index, articleText, start, end) {
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

  function show(analysis, colours, server) {
    remove();
    const index = indexPage();
    const text = analysis.article.text;
    // a target the sentence's structure does not support is the nearest name: a guess, said as such
    const guessed = new Set();
    for (const t of analysis.targets || []) {
      (t.spans || []).forEach((index, j) => { if ((t.how || [])[j] === "nearest") guessed.add(index); });
    }
    const spans = analysis.spans.map((s, i) => ({ ...s, index: i, guess: guessed.has(i) }));
    const placed = [], listed = [];
    for (const span of spans) {
      const at = locate(index, text, span.start, span.end);
      (at ? placed : listed).push(at ? { span, from: at[0], to: at[1] } : span);
    }
    // cut every affected text node at the placements' ends, then wrap the covered pieces
    const cuts = new Map();  // node -> [{from, to, spans}]
    for (const p of placed) {
      for (let i = p.from; i < p.to; i++) {
        const w = index.where[i];
        if (!w) continue;
        const [node, offset] = w;
        if (!cuts.has(node)) cuts.set(node, []);
        cuts.get(node).push([offset, p.span.index]);
      }
    }
    const restore = [], marks = [];
    for (const [node, points] of cuts) {
      const original = node.data;
      const covering = new Map();
      for (const [offset, s] of points) { if (!covering.has(offset)) covering.set(offset, new Set()); covering.get(offset).add(s); }
      const pieces = [];  // [start, end, spans]
      let current = null;
      for (let i = 0; i < original.length; i++) {
        const key = covering.has(i) ? [...covering.get(i)].sort().join(" ") : "";
        if (!current || current[2] !== key) { current = [i, i + 1, key]; pieces.push(current); } else current[1] = i + 1;
      }
      const created = [];
      const parent = node.parentNode, next = node.nextSibling;
      node.data = original.slice(pieces[0][0], pieces[0][1]);
      let first = true;
      for (const [a, b, key] of pieces) {
        let piece;
        if (first) { piece = node; first = false; } else { piece = document.createTextNode(original.slice(a, b)); parent.insertBefore(piece, next); created.push(piece); }
        if (key) {
          const mark = document.createElement("proplens-mark");
          mark.tabIndex = 0;
          mark.dataset.spans = key;
          parent.insertBefore(mark, piece.nextSibling);
          mark.appendChild(piece);
          created.push(mark);
          marks.push(mark);
          if (piece === node) created.push(piece);  // moved into a mark: put back on remove
        }
      }
      restore.push({ node, original, parent, next, created });
    }
    const ui = panel(analysis, spans, colours, placed.length, listed, server);
    state = { restore, marks, spans, colours, ui, threshold: 0, hidden: new Set() };
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
    return mark.dataset.spans.split(" ").map(Number).map((i) => state.spans[i])
      .filter((s) => (s.score ?? 1) >= state.threshold && !state.hidden.has(s.technique));
  }

  function refresh(mark) {
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
    for (const s of visibleSpans(mark)) {
      const info = state.colours[s.technique] || { name: s.technique, definition: "" };
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
      title.textContent = open ? title.dataset.full : `proplens ${Math.round(analysis.figures.propaganda_score || 0)}/100`;
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
      box2.addEventListener("change", () => { if (box2.checked) state.hidden.delete(id); else state.hidden.add(id); state.marks.forEach(refresh); });
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
    slider.addEventListener("input", () => { state.threshold = Number(slider.value); state.marks.forEach(refresh); });
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

  // Put the page back exactly as it was.
  function remove() {
    untip();
    if (!state) return;
    for (const { node, original, parent, next, created } of state.restore.reverse()) {
      for (const n of created) if (n !== node && n.parentNode) n.parentNode.removeChild(n);
      node.data = original;
      if (node.parentNode !== parent) parent.insertBefore(node, next);
    }
    state.ui.host.remove();
    state = null;
  }

  chrome.runtime.onMessage.addListener((message, sender, reply) => {
    if (sender.id !== chrome.runtime.id || !message) return false;
    if (message.type === "proplens:page") reply({ html: document.documentElement.outerHTML, url: location.href });
    else if (message.type === "proplens:show") reply(show(message.analysis, message.colours || {}, message.server));
    else if (message.type === "proplens:remove") { remove(); reply({ removed: true }); }
    else if (message.type === "proplens:threshold" && state) {
      state.threshold = Number(message.value) || 0;
      state.ui.slider.value = String(state.threshold);
      state.marks.forEach(refresh);
      reply({ threshold: state.threshold });
    }
    return false;
  });
}
