"""Static files the generated pages use (added to the site by the plugin)."""

STYLESHEET = """\
/* cjm: journey maps. Emotion colours match the diagrams (diagrams/dot_source.py EMOTION_FILL). */
.cjm-emotion { white-space: nowrap; font-weight: 600; }
.cjm-emotion::before { content: "\\25CF\\00A0"; }
.cjm-emotion-0::before { color: #e0705e; }
.cjm-emotion-1::before { color: #f3ac74; }
.cjm-emotion-2::before { color: #ece2a6; }
.cjm-emotion-3::before { color: #a8d2ea; }
.cjm-emotion-4::before { color: #6cb0e0; }
.cjm-emotion-none { color: var(--md-default-fg-color--light); }
.cjm-emotion-none::before { content: ""; }
.cjm-severity { font-weight: 600; }
.cjm-severity-high { color: #c62828; }
.cjm-severity-medium { color: #ef6c00; }
[data-md-color-scheme="slate"] .cjm-severity-high { color: #ef9a9a; }
[data-md-color-scheme="slate"] .cjm-severity-medium { color: #ffcc80; }
.cjm-quote { font-style: italic; }
.cjm-state-future { font-weight: 600; color: var(--md-accent-fg-color, #526cfe); }
/* Diagrams keep their natural size and scroll sideways on narrow screens. */
.cjm-diagram { overflow-x: auto; margin: 1em 0; -webkit-overflow-scrolling: touch; }
.cjm-diagram svg { max-width: none; height: auto; display: block; }
.cjm-diagram-links { font-size: 0.75em; }
[data-md-color-scheme="slate"] .cjm-diagram svg { background: #f5f5f5; border-radius: 4px; }
.cjm-notice { border-left: 4px solid #ef6c00; padding: 0.5em 1em; }
"""

# Click a column title to sort a table (backlog, inventory). Works with Material's instant
# navigation (`document$`) and without it; tables stay plain tables with JavaScript off.
SCRIPT = """\
(function () {
  var rank = {high: 0, medium: 1, low: 2};
  function key(cell) {
    var text = (cell && cell.textContent || "").trim();
    var lower = text.toLowerCase();
    if (lower in rank) return [0, rank[lower], ""];
    var number = parseFloat(text.replace(/[^0-9.+-]/g, ""));
    if (text !== "" && !isNaN(number) && /^[-+]?[0-9]/.test(text)) return [1, number, ""];
    return [text === "" ? 3 : 2, 0, lower];
  }
  function compare(a, b) {
    for (var i = 0; i < 3; i++) { if (a[i] < b[i]) return -1; if (a[i] > b[i]) return 1; }
    return 0;
  }
  function sortable(table) {
    var head = table.tHead;
    if (!head || table.dataset.cjmSortable) return;
    table.dataset.cjmSortable = "yes";
    Array.prototype.forEach.call(head.rows[0].cells, function (th, column) {
      th.style.cursor = "pointer";
      th.title = "Sort by " + th.textContent.trim();
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var down = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = compare(key(a.cells[column]), key(b.cells[column]));
          return down ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  function setUp() {
    if (!document.querySelector(".cjm-sortable")) return;
    document.querySelectorAll("article table").forEach(sortable);
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setUp);
  else if (document.readyState !== "loading") setUp();
  else document.addEventListener("DOMContentLoaded", setUp);
})();
"""

# Evidence, confidence, links, metrics and the portfolio (insight_assets.py).
from .insight_assets import INSIGHT_SCRIPT, INSIGHT_STYLESHEET  # noqa: E402

STYLESHEET += INSIGHT_STYLESHEET
SCRIPT += INSIGHT_SCRIPT

# The edit link of pages written by `cjm generate` (edit_assets.py).
from .edit_assets import EDIT_SCRIPT, EDIT_STYLESHEET  # noqa: E402

STYLESHEET += EDIT_STYLESHEET
SCRIPT += EDIT_SCRIPT
