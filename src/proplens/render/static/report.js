// Technique filter and minimum-score slider: re-colour each fragment by its innermost visible span.
(function () {
  "use strict";
  const filters = Array.from(document.querySelectorAll(".technique-filter"));
  const slider = document.getElementById("min-score");
  const sliderValue = document.getElementById("min-score-value");
  const belowKept = document.getElementById("below-kept");
  const againValue = document.getElementById("again-value");
  const againInput = document.getElementById("again-min-score");

  function update() {
    const shown = new Set(filters.filter((f) => f.checked).map((f) => f.value));
    const minimum = slider ? parseFloat(slider.value) : 0;
    if (sliderValue) sliderValue.textContent = minimum.toFixed(2);
    if (slider && belowKept) {
      // below what the analysis kept, nothing more can be shown here: offer to analyse again
      belowKept.hidden = !(minimum < parseFloat(slider.dataset.kept) - 1e-9);
      if (againValue) againValue.textContent = minimum.toFixed(2);
      if (againInput) againInput.value = minimum.toFixed(2);
    }
    document.querySelectorAll("article.analysis").forEach((article) => {
      const spans = JSON.parse(article.querySelector(".span-data").textContent);
      const visible = (i) => shown.has(spans[i].technique) && spans[i].score >= minimum;
      article.querySelectorAll("mark.fragment").forEach((mark) => {
        const mine = mark.dataset.spans.split(" ").map(Number);
        const on = mine.filter(visible);
        mark.classList.toggle("off", on.length === 0);
        mark.classList.toggle("nested", on.length > 1);
        mark.tabIndex = on.length ? 0 : -1;
        if (on.length) {
          mark.classList.remove(mark.dataset.css || spans[mine[0]].css);
          mark.dataset.css = spans[on[0]].css;
          mark.classList.add(spans[on[0]].css);
        }
        mark.querySelectorAll(".tip-line").forEach((line) => {
          line.hidden = !visible(Number(line.dataset.span));
        });
      });
      article.querySelectorAll(".chart tr").forEach((row) => {
        row.classList.toggle("off", !shown.has(row.dataset.technique));
      });
    });
  }

  filters.forEach((f) => f.addEventListener("change", update));
  if (slider) slider.addEventListener("input", update);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.activeElement instanceof HTMLElement) document.activeElement.blur();
  });
  update();
})();
