"""Styles and the small script of the evidence, link, metric and portfolio views (assets.py
adds them to the site's stylesheet and script)."""

INSIGHT_STYLESHEET = """\
/* Confidence: observed is solid, assumed is outlined and hatched (pages and charts alike). */
.cjm-confidence { display: inline-block; padding: 0 0.5em; border: 1.5px solid #3949ab;
  border-radius: 0.7em; font-size: max(0.8em, 12px); font-weight: 600; line-height: 1.5; white-space: nowrap; }
.cjm-confidence-observed { background: #3949ab; color: #fff; }
.cjm-confidence-assumed { border-style: dashed; color: #283593;
  background: repeating-linear-gradient(135deg, transparent 0 3px, rgba(57, 73, 171, 0.16) 3px 5px); }
[data-md-color-scheme="slate"] .cjm-confidence-observed { background: #9fa8da; border-color: #9fa8da; color: #10132a; }
[data-md-color-scheme="slate"] .cjm-confidence-assumed { border-color: #9fa8da; color: #c5cae9;
  background: repeating-linear-gradient(135deg, transparent 0 3px, rgba(159, 168, 218, 0.22) 3px 5px); }
/* An assumed emotion: its colour as a dashed ring instead of a solid dot. */
.cjm-emotion-assumed::before { content: ""; display: inline-block; box-sizing: border-box; width: 0.75em;
  height: 0.75em; margin-right: 0.3em; border: 2px dashed currentColor; border-radius: 50%; vertical-align: -0.05em; }
.cjm-mot { color: #a66b00; font-weight: 700; cursor: help; }
[data-md-color-scheme="slate"] .cjm-mot { color: #ffd54f; }
.cjm-mot-note { border-left: 4px solid #f9a825; padding: 0.4em 0.8em; background: rgba(249, 168, 37, 0.08); }
.cjm-evidence-meta, .cjm-status { color: var(--md-default-fg-color--light, #666); font-size: max(0.85em, 12px); white-space: nowrap; }
.cjm-evidence-about { color: var(--md-default-fg-color--light, #666); }
.cjm-evidence-kind { font-weight: 700; text-transform: capitalize; }
.cjm-unaddressed, .cjm-uncited { color: var(--md-default-fg-color--light, #666); font-style: italic; }
.cjm-metric-status { font-weight: 700; white-space: nowrap; }
.cjm-metric-off { color: #c62828; }
.cjm-metric-off::before { content: "\\2717\\00A0"; }
.cjm-metric-on { color: #2e7d32; }
.cjm-metric-on::before { content: "\\2713\\00A0"; }
[data-md-color-scheme="slate"] .cjm-metric-off { color: #ef9a9a; }
[data-md-color-scheme="slate"] .cjm-metric-on { color: #a5d6a7; }
/* Links to a pain point or an opportunity land on its row, below the sticky header. */
.cjm-anchor { scroll-margin-top: 5rem; }
tr:has(.cjm-anchor:target) { background: rgba(255, 213, 79, 0.28); }
/* Charts computed as SVG: they shrink with the page down to a readable size, then scroll. */
.cjm-chart { overflow-x: auto; margin: 1em 0; -webkit-overflow-scrolling: touch; }
.cjm-chart svg { display: block; width: 100%; height: auto; }
.cjm-chart text:not([fill]) { fill: var(--md-default-fg-color, #212121); }
.cjm-chart a:focus-visible { outline: 2px solid #f9a825; }
.cjm-chart-stage { text-decoration: underline; }
[data-md-color-scheme="slate"] .cjm-chart-target { stroke: #e0e0e0; }
[data-md-color-scheme="slate"] .cjm-chart-flag { fill: #ef9a9a; }
[data-md-color-scheme="slate"] .cjm-chart-inside { fill: #10132a; }
[data-md-color-scheme="slate"] .cjm-funnel-bar.cjm-metric-off rect { fill: #e57373; }
[data-md-color-scheme="slate"] .cjm-funnel-bar.cjm-metric-on rect { fill: #66bb6a; }
[data-md-color-scheme="slate"] .cjm-funnel-bar.cjm-metric-neutral rect { fill: #7986cb; }
[data-md-color-scheme="slate"] .cjm-quadrant-quick-wins { fill: rgba(102, 187, 106, 0.16); }
[data-md-color-scheme="slate"] .cjm-quadrant-big-bets { fill: rgba(100, 181, 246, 0.16); }
[data-md-color-scheme="slate"] .cjm-quadrant-fill-ins { fill: rgba(255, 255, 255, 0.05); }
[data-md-color-scheme="slate"] .cjm-quadrant-money-pits { fill: rgba(255, 138, 101, 0.16); }
[data-md-color-scheme="slate"] .cjm-quadrant-label { fill: #bdbdbd; }
[data-md-color-scheme="slate"] .cjm-grid { stroke: #424242; }
[data-md-color-scheme="slate"] .cjm-dot circle { fill: #7986cb; stroke: #7986cb; }
[data-md-color-scheme="slate"] .cjm-dot text { fill: #10132a; }
[data-md-color-scheme="slate"] .cjm-dot-done circle { fill: var(--md-default-bg-color, #1e2129); }
[data-md-color-scheme="slate"] .cjm-dot-done text { fill: #c5cae9; }
.cjm-dot:hover circle, .cjm-dot:focus circle { stroke: #f9a825; stroke-width: 3; }
/* The portfolio's filters (added by the script; the page reads fine without them). */
.cjm-filters { display: flex; flex-wrap: wrap; gap: 0.5em 1.2em; align-items: center; margin: 1em 0;
  padding: 0.6em 0.8em; border-radius: 4px; background: var(--md-code-bg-color, #f5f5f5); font-size: 0.8rem; }
.cjm-filters label { display: inline-flex; gap: 0.4em; align-items: center; font-weight: 600; }
.cjm-filters select { font: inherit; padding: 0.15em 0.3em; max-width: 14em;
  color: var(--md-default-fg-color, inherit); background: var(--md-default-bg-color, #fff);
  border: 1px solid var(--md-default-fg-color--lighter, #bbb); border-radius: 3px; }
.cjm-filter-count { color: var(--md-default-fg-color--light, #666); }
.cjm-hidden { display: none !important; }
/* Tables with a rich first cell (a marker in their header) keep number columns narrow. */
.md-typeset table:has(.cjm-compact) td, .md-typeset table:has(.cjm-compact) th { padding: 0.6em 0.8em; min-width: 0; }
.md-typeset table:has(.cjm-compact) td:first-child:not([style*="right"]) { min-width: 12em; }
.md-typeset table:has(.cjm-compact) td:has(> .cjm-row) { min-width: 18em; }
/* Small print, but never under 12 px (tables already set a smaller size). */
.cjm-where, .cjm-addresses { font-size: max(0.85em, 12px); color: var(--md-default-fg-color--light, #666); }
"""

# Filters of the portfolio: a select per persona, owner and status, built from the items'
# `data-cjm-*` attributes; rows and matrix dots that do not match are hidden.
INSIGHT_SCRIPT = """\
(function () {
  function setUpFilters(bar) {
    if (bar.dataset.cjmReady) return;
    bar.dataset.cjmReady = "yes";
    var keys = bar.dataset.cjmFilters.split(" ");
    var words = (bar.dataset.cjmLabels || "").split("|");  // one per key, all, not set, count
    var scope = bar.closest("article") || document;
    var items = Array.prototype.slice.call(scope.querySelectorAll("[data-cjm-persona]"));
    var chosen = {};
    var count = document.createElement("span");
    function isRow(el) { return el.tagName.toLowerCase() === "span"; }
    function apply() {
      var shown = 0, total = 0;
      items.forEach(function (el) {
        var keep = keys.every(function (key) {
          var value = el.getAttribute("data-cjm-" + key);
          return chosen[key] == null || value === null || value === chosen[key];
        });
        var target = isRow(el) ? el.closest("tr") : el;
        if (target) target.classList.toggle("cjm-hidden", !keep);
        if (isRow(el) && el.hasAttribute("data-cjm-status")) { total++; if (keep) shown++; }
      });
      count.textContent = words[keys.length + 2].replace("{shown}", shown).replace("{total}", total);
    }
    keys.forEach(function (key, n) {
      var names = {};
      items.forEach(function (el) {
        var value = el.getAttribute("data-cjm-" + key);
        if (value === null) return;
        var name = key === "persona" ? el.getAttribute("data-cjm-persona-name") : value;
        names[value] = name || words[keys.length + 1];
      });
      var values = Object.keys(names).sort(function (a, b) { return names[a].localeCompare(names[b]); });
      if (values.length < 2) return;  // nothing to choose between
      var label = document.createElement("label");
      label.appendChild(document.createTextNode(words[n]));
      var select = document.createElement("select");
      select.add(new Option(words[keys.length], ""));
      values.forEach(function (value, i) { select.add(new Option(names[value], String(i))); });
      select.addEventListener("change", function () {
        chosen[key] = select.value === "" ? null : values[+select.value];
        apply();
      });
      label.appendChild(select);
      bar.appendChild(label);
    });
    count.className = "cjm-filter-count";
    bar.appendChild(count);
    bar.hidden = false;
    apply();
  }
  function setUp() { document.querySelectorAll(".cjm-filters[data-cjm-filters]").forEach(setUpFilters); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setUp);
  else if (document.readyState !== "loading") setUp();
  else document.addEventListener("DOMContentLoaded", setUp);
})();
"""
