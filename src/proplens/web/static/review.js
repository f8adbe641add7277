// The result page's review controls: choose a fragment, accept / reject / relabel / resize it, add a
// fragment from selected words, mark the article reviewed. Every action goes at once to
// POST /api/v1/analyses/{id}/reviews (with the page's CSRF token); the page then shows what the reviews
// add up to (GET on the same path). The model's analysis is never changed.
(function () {
  "use strict";
  const box = document.getElementById("review");
  const article = document.querySelector("article.analysis");
  if (!box || !article) return;
  const api = `/api/v1/analyses/${box.dataset.analysis}/reviews`;
  const textBox = article.querySelector(".text");
  const spans = JSON.parse(article.querySelector(".span-data").textContent);
  const bar = document.getElementById("review-bar");
  const target = document.getElementById("review-target");
  const summary = document.getElementById("review-summary");
  const error = document.getElementById("review-error");
  const reviewer = document.getElementById("reviewer");
  const technique = document.getElementById("review-technique");
  const addedBox = document.getElementById("review-added-box");
  const addedList = document.getElementById("review-added");
  let chosen = null; // the mark whose fragment the bar acts on
  let state = null;

  reviewer.value = localStorage.getItem("proplens-reviewer") || "";
  reviewer.addEventListener("change", () => localStorage.setItem("proplens-reviewer", reviewer.value.trim()));

  // -- offsets: the article text is the .text box's text nodes, tooltips left out ----------------------
  function textNodes() {
    const walker = document.createTreeWalker(textBox, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest(".tip, .rv-label") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    for (let at = 0, node; (node = walker.nextNode()); at += node.data.length) nodes.push([node, at]);
    return nodes;
  }
  function offsetOf(container, offset) {
    for (const [node, at] of textNodes()) {
      if (node === container) return at + offset;
      if (container.nodeType === Node.ELEMENT_NODE && container.childNodes[offset] && container.childNodes[offset].contains(node)) return at;
    }
    return null;
  }
  function selected() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!textBox.contains(range.startContainer) || !textBox.contains(range.endContainer)) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    const all = textNodes().map(([node]) => node.data).join("");
    while (start < end && /\s/.test(all[start])) start++;
    while (end > start && /\s/.test(all[end - 1])) end--;
    return end > start ? { start, end, text: all.slice(start, end) } : null;
  }

  // -- talking to the server -------------------------------------------------------------------------
  async function send(body) {
    const name = reviewer.value.trim();
    if (!name) { fail("Write your name first: every correction says who made it."); reviewer.focus(); return; }
    const response = await fetch(api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": box.dataset.csrf },
      body: JSON.stringify({ reviewer: name, ...body }),
    }).catch(() => null);
    if (!response) { fail("The server cannot be reached; the correction was not saved."); return; }
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      fail(`Not saved: ${answer.detail || `HTTP ${response.status}`}`);
      return;
    }
    error.hidden = true;
    await refresh();
  }
  function fail(message) { error.textContent = message; error.hidden = false; }

  async function refresh() {
    const response = await fetch(api).catch(() => null);
    if (!response || !response.ok) return;
    state = await response.json();
    show();
  }

  // -- what the reviews add up to, on the page -------------------------------------------------------
  function statusOf(index) {
    const found = state && state.spans.find((s) => s.span === index);
    return found || null;
  }
  function show() {
    summary.textContent = state.summary;
    article.querySelectorAll("mark.fragment").forEach((mark) => {
      const first = Number(mark.dataset.spans.split(" ")[0]);
      const status = statusOf(first);
      mark.classList.toggle("rv-accepted", !!status && status.status === "accepted");
      mark.classList.toggle("rv-rejected", !!status && status.status === "rejected");
      mark.querySelectorAll(".tip-line").forEach((line) => {
        const mine = statusOf(Number(line.dataset.span));
        let note = line.querySelector(".rv-note");
        if (!mine || mine.status === "open") { if (note) note.remove(); return; }
        if (!note) { note = document.createElement("span"); note.className = "rv-note"; line.appendChild(note); }
        const how = mine.changed ? `${mine.status}, changed to ${nameOf(mine.technique)} [${mine.start}, ${mine.end})` : mine.status;
        note.textContent = ` · ${how}`;
      });
    });
    textBox.querySelectorAll("mark.rv-added").forEach((mark) => mark.replaceWith(...mark.childNodes));
    textBox.normalize();
    const added = state.spans.filter((s) => s.status === "added");
    addedList.replaceChildren();
    for (const span of added) {
      highlight(span);
      const item = document.createElement("li");
      const words = textNodes().map(([node]) => node.data).join("").slice(span.start, span.end);
      item.append(`“${words}” · ${nameOf(span.technique)} `);
      const withdraw = document.createElement("button");
      withdraw.type = "button"; withdraw.className = "secondary small"; withdraw.textContent = "Withdraw";
      withdraw.addEventListener("click", () => send({ action: "reject", added: span.added }));
      item.append(withdraw);
      addedList.appendChild(item);
    }
    addedBox.hidden = added.length === 0;
    if (chosen) describe(chosen);
  }
  function nameOf(id) {
    const option = Array.from(technique.options).find((o) => o.value === id);
    return option ? option.textContent : id;
  }
  // an added fragment, solid, over the words it covers (each text node's part wrapped on its own)
  function highlight(span) {
    for (const [node, at] of textNodes()) {
      const from = Math.max(span.start, at) - at, to = Math.min(span.end, at + node.data.length) - at;
      if (from >= to) continue;
      let piece = node;
      if (from > 0) piece = piece.splitText(from);
      if (to - from < piece.data.length) piece.splitText(to - from);
      const mark = document.createElement("mark");
      mark.className = "rv-added";
      mark.title = `Added: ${nameOf(span.technique)}`;
      piece.replaceWith(mark);
      mark.appendChild(piece);
    }
  }

  // -- choosing a fragment and acting on it ----------------------------------------------------------
  function choose(mark) {
    if (chosen) chosen.classList.remove("rv-chosen");
    chosen = mark;
    if (!mark) { bar.hidden = true; return; }
    mark.classList.add("rv-chosen");
    describe(mark);
    bar.hidden = false;
  }
  function describe(mark) {
    const index = Number(mark.dataset.spans.split(" ")[0]);
    const span = spans[index];
    const status = statusOf(index);
    let now = "";
    if (status && status.status !== "open") {
      now = ` · ${status.status}` + (status.technique !== span.technique ? `, now ${nameOf(status.technique)}` : "") +
        (status.start !== span.start || status.end !== span.end ? ", new boundaries" : "");
    }
    target.textContent = `Fragment ${index + 1} of ${spans.length}: ${span.name}, ${Math.round(span.score * 100)}%${now}`;
    technique.value = status && status.technique ? status.technique : span.technique;
  }
  function act(action) {
    if (action === "close") { choose(null); return; }
    if (action === "done") { send({ action: "done" }); return; }
    if (action === "add") {
      const words = selected();
      if (!words) { fail("Select the words to add in the article text first."); return; }
      send({ action: "add", start: words.start, end: words.end, technique: technique.value });
      window.getSelection().removeAllRanges();
      return;
    }
    if (!chosen) { fail("Choose a fragment first: click or tap it, or reach it with Tab."); return; }
    const span = Number(chosen.dataset.spans.split(" ")[0]);
    if (action === "accept" || action === "reject") send({ action, span });
    else if (action === "relabel") send({ action, span, technique: technique.value });
    else if (action === "resize") {
      const words = selected();
      if (!words) { fail("Select the words the fragment should cover, then choose Boundaries."); return; }
      send({ action, span, start: words.start, end: words.end });
    }
  }

  textBox.addEventListener("focusin", (event) => {
    const mark = event.target.closest && event.target.closest("mark.fragment");
    if (mark) choose(mark);
  });
  textBox.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.fragment");
    if (mark && !selected()) choose(mark);
  });
  document.querySelectorAll("[data-action]").forEach((button) => button.addEventListener("click", () => act(button.dataset.action)));
  technique.addEventListener("keydown", (event) => { if (event.key === "Enter" && chosen) act("relabel"); });
  const KEYS = { a: "accept", r: "reject", t: "relabel", b: "resize", n: "add", d: "done" };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const where = event.target;
    if (where instanceof HTMLInputElement || where instanceof HTMLSelectElement || where instanceof HTMLTextAreaElement) return;
    if (event.key === "Escape") { choose(null); return; }
    const action = KEYS[event.key];
    if (!action) return;
    if (action === "relabel" && chosen && document.activeElement !== technique) {
      // t: first to the technique list (Enter relabels), so the key alone never picks a technique
      event.preventDefault();
      technique.focus();
      return;
    }
    event.preventDefault();
    act(action);
  });
  refresh();
})();
