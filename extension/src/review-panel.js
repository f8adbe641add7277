// The panel's review controls: act on the chosen highlight (accept, reject, another technique, the
// boundaries of the selected words), add selected words as a fragment, mark the article reviewed.
// Keys on a focused highlight: a r t b n d, as on the result page.

const BUTTON = "font:600 12px/1.2 system-ui,sans-serif;border:1px solid #ccd;border-radius:6px;background:#f3f4f8;color:#1d2330;padding:6px 8px;cursor:pointer;min-height:32px";
const KEYS = { a: "accept", r: "reject", t: "relabel", b: "resize", n: "add", d: "done" };

/** @param {{analysis: any, spans: any[], colours: Record<string, any>, review: any,
 *   send: (action: Record<string, unknown>) => Promise<string>, selected: () => number[] | null}} options */
export function reviewSection({ analysis, spans, colours, review, send, selected }) {
  const element = document.createElement("section");
  element.setAttribute("aria-label", "Review");
  element.style.cssText = "border-top:1px solid #e3e6ec;margin-top:8px;padding-top:6px";
  const head = document.createElement("div");
  head.style.fontWeight = "700";
  head.textContent = "Review" + (review ? ` · ${review.summary}` : "");
  const target = document.createElement("div");
  target.style.cssText = "color:#5b6475;margin:2px 0 4px";
  target.textContent = "Choose a highlight (click or Tab), or select words to add.";
  const technique = document.createElement("select");
  technique.setAttribute("aria-label", "Technique");
  technique.style.cssText = "max-width:100%;font:12px system-ui,sans-serif;margin:2px 0 4px";
  for (const [id, info] of Object.entries(colours)) {
    const option = document.createElement("option");
    option.value = id; option.textContent = info.name || id;
    technique.appendChild(option);
  }
  technique.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); act("relabel"); }
  });
  const status = document.createElement("div");
  status.setAttribute("role", "status");
  status.style.cssText = "color:#8a1c1c;min-height:1em";
  const rows = [["accept", "Accept"], ["reject", "Reject"], ["relabel", "Technique"], ["resize", "Boundaries"]];
  const actions = document.createElement("div");
  actions.style.cssText = "display:grid;grid-template-columns:1fr 1fr;gap:4px";
  const more = document.createElement("div");
  more.style.cssText = "display:grid;grid-template-columns:1fr 1fr;gap:4px;margin-top:4px";
  for (const [action, label] of [...rows, ["add", "Add selected words"], ["done", "Mark reviewed"]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    button.textContent = label;
    button.style.cssText = BUTTON;
    button.addEventListener("click", () => act(action));
    (rows.some(([a]) => a === action) ? actions : more).appendChild(button);
  }
  const added = document.createElement("ul");
  added.style.cssText = "margin:4px 0 0;padding-left:18px";
  for (const span of spans.filter((s) => s.added !== undefined)) {
    const item = document.createElement("li");
    item.textContent = `Added: “${span.text}” (${(colours[span.technique] || {}).name || span.technique}) `;
    const withdraw = document.createElement("button");
    withdraw.type = "button"; withdraw.textContent = "Withdraw"; withdraw.style.cssText = BUTTON;
    withdraw.addEventListener("click", () => run({ action: "reject", added: span.added }));
    item.appendChild(withdraw);
    added.appendChild(item);
  }
  element.append(head, target, technique, actions, more, added, status);

  /** @type {any} */
  let chosen = null;
  async function run(action) {
    status.textContent = "Saving…";
    const problem = await send(action);
    status.textContent = problem ? `Not saved: ${problem}` : "";
  }
  function act(action) {
    if (action === "done") return run({ action });
    if (action === "add") {
      const range = selected();
      if (!range) { status.textContent = "Select words that occur once in the article (a few more words may help)."; return; }
      return run({ action, start: range[0], end: range[1], technique: technique.value });
    }
    if (!chosen) { status.textContent = "Choose a highlight first: click it or reach it with Tab."; return; }
    if (chosen.added !== undefined) {
      if (action === "reject") return run({ action, added: chosen.added });
      status.textContent = "An added fragment can only be withdrawn (Reject)."; return;
    }
    if (action === "accept" || action === "reject") return run({ action, span: chosen.index });
    if (action === "relabel") return run({ action, span: chosen.index, technique: technique.value });
    const range = selected();
    if (!range) { status.textContent = "Select the words the fragment should cover, then Boundaries."; return; }
    return run({ action, span: chosen.index, start: range[0], end: range[1] });
  }
  return {
    element,
    /** @param {any} span */
    chose(span) {
      chosen = span;
      const name = (colours[span.technique] || {}).name || span.technique;
      target.textContent = `Fragment ${span.index + 1}: ${name}` + (span.reviewed && span.reviewed !== "open" ? ` · ${span.reviewed}` : "");
      technique.value = span.technique;
    },
    /** The reviews' state, when it arrives after the panel was drawn. @param {any} state */
    summary(state) { head.textContent = "Review" + (state ? ` · ${state.summary}` : ""); },
    /** @param {KeyboardEvent} event */
    key(event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const action = KEYS[event.key];
      if (!action) return;
      event.preventDefault();
      if (action === "relabel") { technique.focus(); return; }  // choose, then the Technique button
      act(action);
    },
    analysis,
  };
}
