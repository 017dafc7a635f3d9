"""Styles and the filter script of the views across maps: the journeys index, the emotion
charts (emotion_charts.py), the stage pages across personas and the backlog.

Colours come from the palette variables of assets.py (`--cjm-emo-*`) and Material's
(`--md-default-*`), so every view follows the light and the dark scheme; text stays at
12 px or more (`max(12px, …)`).
"""

# Series colours of the curve charts: at least 3:1 against the page in each scheme.
SERIES = {
    "light": ("#1c5aa6", "#c4372b", "#2e7d32", "#8e24aa", "#b45309", "#00838f"),
    "dark": ("#8dc5f2", "#ff8a7d", "#81c784", "#ce93d8", "#ffb74d", "#4dd0e1"),
}


def _series(scheme: str) -> str:
    return " ".join(f"--cjm-series-{n}: {c};" for n, c in enumerate(SERIES[scheme]))


_EMOTIONS = ("m2", "m1", "0", "1", "2")

VIEW_STYLESHEET = (
    f":root {{ {_series('light')} }}\n"
    f'[data-md-color-scheme="slate"] {{ {_series("dark")} }}\n'
    + "".join(f".cjm-dot.cjm-emo-{e} {{ fill: var(--cjm-emo-{e}); }}\n"
              f".cjm-heat-cell.cjm-emo-{e}, .cjm-legend-cell.cjm-emo-{e} {{"
              f" fill: color-mix(in srgb, var(--cjm-emo-{e}) 28%, var(--md-default-bg-color, #fff));"
              f" background: color-mix(in srgb, var(--cjm-emo-{e}) 28%, var(--md-default-bg-color, #fff));"
              f" stroke: var(--cjm-emo-{e}); border-color: var(--cjm-emo-{e}); }}\n"
              for e in _EMOTIONS)
    + "".join(f".cjm-series-{n} {{ color: var(--cjm-series-{n}); }}\n" for n in range(6))
    + """\
.cjm-heat-cell.cjm-emo-none, .cjm-legend-cell.cjm-emo-none { fill: var(--md-default-bg-color, #fff);
  background: var(--md-default-bg-color, #fff); stroke: var(--md-default-fg-color--lighter, #bbb);
  border-color: var(--md-default-fg-color--lighter, #bbb); stroke-dasharray: 3 3; border-style: dashed; }
.cjm-heat-cell { stroke-width: 1.5; }
.cjm-chart svg text { fill: var(--md-default-fg-color, #212121); }
.cjm-chart a:hover .cjm-heat-cell { stroke-width: 3; }
.cjm-chart .cjm-heat-note { fill: var(--md-default-fg-color--light, #555); }
/* Sparkline: inline with the text of an index card. */
.cjm-spark { display: inline-block; vertical-align: middle; overflow: visible; }
.cjm-spark-zero { stroke: var(--md-default-fg-color--lighter, #bbb); stroke-dasharray: 2 2; }
.cjm-spark-line { fill: none; stroke: var(--md-default-fg-color--light, #666); stroke-width: 1.5; }
.cjm-spark .cjm-dot { stroke: var(--md-default-bg-color, #fff); stroke-width: 1; }
/* Curve charts. */
.cjm-grid { stroke: var(--md-default-fg-color--lightest, #eee); stroke-width: 1; }
.cjm-grid-zero { stroke: var(--md-default-fg-color--lighter, #bbb); }
.cjm-series-line { fill: none; stroke: currentColor; stroke-width: 2.5; stroke-linejoin: round; }
.cjm-series:not([class*="cjm-series-"]) .cjm-series-line { stroke: var(--md-default-fg-color--light, #666); }
.cjm-chart .cjm-series a { color: inherit; }  /* the series' colour, not the link colour */
.cjm-marker { fill: currentColor; stroke: var(--md-default-bg-color, #fff); stroke-width: 1.5; }
.cjm-curve-chart .cjm-dot { stroke: var(--md-default-bg-color, #fff); stroke-width: 2; }
.cjm-changed-band { fill: color-mix(in srgb, var(--md-accent-fg-color, #526cfe) 12%, transparent);
  stroke: color-mix(in srgb, var(--md-accent-fg-color, #526cfe) 45%, transparent); stroke-dasharray: 4 3; }
.cjm-chart-stage-name { text-decoration: none; }
.cjm-chart a:hover .cjm-chart-stage-name, .cjm-chart a:focus .cjm-chart-stage-name { text-decoration: underline; }
/* Legends in one ordered row (wrapping on a phone). */
.md-typeset ul.cjm-legend, ul.cjm-legend { display: flex; flex-wrap: wrap; gap: .25em 1.1em; list-style: none;
  margin: .4em 0; padding: 0; font-size: max(12px, .7rem); }
.md-typeset ul.cjm-legend > li, ul.cjm-legend > li { margin: 0; display: inline-flex; align-items: center; gap: .35em; }
.cjm-legend-cell { display: inline-block; width: 1.1em; height: 1.1em; border: 2px solid; border-radius: 3px; box-sizing: border-box; }
.cjm-legend-swatch { overflow: visible; }
.md-typeset ul.cjm-changes { margin: .3em 0 1em; }
/* Journeys index: one compact card per persona; a map and its variants side by side. */
.md-typeset ul.cjm-journeys, .md-typeset ul.cjm-journeys-pair { list-style: none; margin: .6em 0 1.2em; padding: 0;
  display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr)); gap: .7rem; }
.md-typeset ul.cjm-journeys > li.cjm-journey-group > ul.cjm-journeys-pair { margin: .4em 0 0; }  /* not Material's nested-list indent */
.md-typeset ul.cjm-journeys li, .md-typeset ul.cjm-journeys-pair li { margin: 0; }
.md-typeset li.cjm-journey { padding: .55rem .75rem .5rem; border: 1px solid var(--md-default-fg-color--lightest, #e0e0e0);
  border-radius: 6px; background: var(--md-default-bg-color, #fff); min-width: 0; }
.md-typeset li.cjm-journey-group { grid-column: 1 / -1; padding: .5rem .6rem .6rem; border-radius: 8px;
  background: var(--md-default-fg-color--lightest, #f2f2f2); }
.md-typeset .cjm-journey p { margin: 0 0 .3em; }
.md-typeset .cjm-journey-name { font-weight: 700; font-size: .85rem; line-height: 1.35; }
.md-typeset .cjm-journey-name .cjm-state { font-weight: 600; font-size: max(12px, .62rem); white-space: nowrap;
  padding: .05em .45em; border-radius: 1em; border: 1px solid currentColor; vertical-align: .1em; }
.md-typeset .cjm-journey-name .cjm-state-current { color: var(--md-default-fg-color--light, #555); }
.md-typeset .cjm-journey-summary { font-size: max(12px, .7rem); line-height: 1.45; color: var(--md-default-fg-color--light, #555); }
.md-typeset .cjm-journey-facts { display: flex; flex-wrap: wrap; align-items: center; gap: .2em .9em;
  font-size: max(12px, .68rem); color: var(--md-default-fg-color--light, #555); }
.md-typeset .cjm-journey-emotion { display: inline-flex; align-items: center; gap: .4em; }
.md-typeset .cjm-journey-group-title { margin: 0 0 .2em; font-size: max(12px, .7rem); font-weight: 600; }
/* A stage across personas: a card per persona; on a wide screen cards sit side by side
   and their parts line up across a row (subgrid), on a phone they stack. */
.cjm-across { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr));
  gap: 1rem .9rem; margin: 1em 0; }
.cjm-across-card { display: grid; grid-row: span 7; grid-template-rows: subgrid; gap: 0; min-width: 0;
  border: 1px solid var(--md-default-fg-color--lightest, #e0e0e0); border-radius: 6px; padding: .2rem .8rem .6rem;
  overflow-wrap: anywhere; }
.md-typeset .cjm-across-card h2 { margin: .3em 0 .1em; font-size: .9rem; font-weight: 700; line-height: 1.3; }
.md-typeset .cjm-across-card h3 { margin: .7em 0 .2em; font-size: max(12px, .62rem); font-weight: 700; letter-spacing: .04em;
  text-transform: uppercase; color: var(--md-default-fg-color--light, #555); }
.md-typeset .cjm-across-card h4 { margin: .4em 0 .1em; font-size: max(12px, .68rem); font-weight: 700; }
.md-typeset .cjm-across-card p, .md-typeset .cjm-across-card ul { margin: 0; font-size: max(12px, .72rem); line-height: 1.45; }
.md-typeset .cjm-across-card ul { padding-left: 1.1em; margin-left: 0; }
.md-typeset .cjm-across-card li { margin: 0 0 .25em; }
.md-typeset .cjm-across-card li::marker { color: var(--md-default-fg-color--light, #666); }
.md-typeset .cjm-across-head p { font-size: max(12px, .7rem); }
.cjm-across-none { color: var(--md-default-fg-color--light, #666); font-style: italic; }
.cjm-across-part { border-top: 1px solid var(--md-default-fg-color--lightest, #eee); margin-top: .4em; }
.cjm-across .cjm-severity { font-size: max(12px, .62rem); text-transform: uppercase; letter-spacing: .03em; }
/* The backlog: filters in a row, sort buttons in the column titles with the order shown. */
.cjm-backlog-filters { display: flex; flex-wrap: wrap; align-items: center; gap: .5em 1em; margin: 1em 0;
  padding: .6em .8em; border: 1px solid var(--md-default-fg-color--lightest, #e0e0e0); border-radius: 6px;
  font-size: max(12px, .7rem); }
.cjm-backlog-filters[hidden] { display: none !important; }
.cjm-backlog-filters label { display: inline-flex; gap: .4em; align-items: center; font-weight: 600; }
.cjm-backlog-filters select, .cjm-filter-reset { font: inherit; padding: .2em .35em; max-width: 13em;
  color: var(--md-default-fg-color, inherit); background: var(--md-default-bg-color, #fff);
  border: 1px solid var(--md-default-fg-color--lighter, #bbb); border-radius: 4px; }
.cjm-filter-reset { cursor: pointer; }
.md-typeset .cjm-backlog-filters .cjm-filter-count { flex-basis: 100%; margin: 0; color: var(--md-default-fg-color--light, #555); }
.md-typeset table:has(.cjm-backlog-row) th { white-space: nowrap; }
.md-typeset table:has(.cjm-backlog-row) tr[hidden], .md-typeset [hidden] { display: none !important; }
.cjm-sort { font: inherit; font-weight: 700; color: inherit; background: none; border: 0; padding: 0; cursor: pointer;
  display: inline-flex; gap: .3em; align-items: baseline; }
.cjm-sort:focus-visible { outline: 2px solid var(--md-accent-fg-color, #526cfe); outline-offset: 2px; }
.cjm-sort-mark::after { content: "\\2195"; color: var(--md-default-fg-color--lighter, #aaa); }
th[aria-sort="ascending"] .cjm-sort-mark::after { content: "\\25B2"; color: var(--md-accent-fg-color, #526cfe); }
th[aria-sort="descending"] .cjm-sort-mark::after { content: "\\25BC"; color: var(--md-accent-fg-color, #526cfe); }
.md-typeset ul.cjm-related { margin: 0; padding-left: 1em; }
.md-typeset ul.cjm-related li { margin: 0 0 .2em; }
.cjm-status { color: var(--md-default-fg-color--light, #555); font-size: .9em; }
table:has(.cjm-backlog-row) .cjm-confidence, table:has(.cjm-backlog-row) .cjm-status, table:has(.cjm-backlog-row) .cjm-severity { font-size: max(12px, .6rem); }
.cjm-external { overflow-wrap: anywhere; font-size: max(12px, .9em); }
@media (max-width: 44.9375em) {
  /* A phone: each row a block of its own, its first cell (the item) in bold. */
  .md-typeset table:has(.cjm-backlog-row) thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .md-typeset table:has(.cjm-backlog-row), .md-typeset table:has(.cjm-backlog-row) tbody,
  .md-typeset table:has(.cjm-backlog-row) tr, .md-typeset table:has(.cjm-backlog-row) td { display: block; width: auto; }
  .md-typeset table:has(.cjm-backlog-row) tr { padding: .5em .2em; border-bottom: 1px solid var(--md-default-fg-color--lighter, #ccc); }
  .md-typeset table:has(.cjm-backlog-row) td { border: 0; padding: .1em .6em; }
  .md-typeset table:has(.cjm-backlog-row) td:first-child { font-weight: 600; min-width: 0; }
  .md-typeset table:has(.cjm-backlog-row) td:empty { display: none; }
}
.cjm-heatmap-chart svg, .cjm-curve-chart-block svg, .cjm-compare-chart svg, .cjm-emotion-chart svg { width: 100%; }
"""
)

# The backlog: filters (persona, stage, owner, severity, status) and sorting by any column.
# Without JavaScript the filter bar stays hidden and the grouped tables read as they are. The
# choices come in the bar's `data-cjm-backlog-filters` (JSON, in reading order); each row
# carries `data-cjm-<filter>` values joined by `|`. The choice is kept in the address
# (`?persona=…&severity=high`), so a filtered backlog can be shared as a link.
BACKLOG_SCRIPT = """\
(function () {
  var KEYS = ["persona", "stage", "owner", "severity", "status"];
  function text(cell) {
    if (!cell) return "";
    var sort = cell.querySelector("[data-cjm-sort]");
    return (sort ? sort.getAttribute("data-cjm-sort") : cell.textContent).trim().toLowerCase();
  }
  function markerOf(row) { return row.querySelector(".cjm-backlog-row"); }
  function sectionOf(table) { var m = table.querySelector(".cjm-backlog-row"); return m && m.getAttribute("data-cjm-section"); }
  function setUpSorting(table, tables) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cjm-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      var mark = document.createElement("span");
      mark.className = "cjm-sort-mark";
      mark.setAttribute("aria-hidden", "true");
      button.appendChild(mark);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        // Every table of the section (all pain points, all opportunities) sorts alike.
        tables.filter(function (other) { return sectionOf(other) === sectionOf(table); })
          .forEach(function (other) { sortTable(other, column, up); });
      });
    });
  }
  function sortTable(table, column, up) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, n) {
      th.setAttribute("aria-sort", n === column ? (up ? "ascending" : "descending") : "none");
    });
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, n) { if (!row.dataset.cjmPlace) row.dataset.cjmPlace = n; });
    rows.sort(function (a, b) {
      var x = text(a.cells[column]), y = text(b.cells[column]);
      if (x === y) return a.dataset.cjmPlace - b.dataset.cjmPlace;
      if (x === "") return 1;  // empty cells last, either way
      if (y === "") return -1;
      return (x < y ? -1 : 1) * (up ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function blockOf(table, scope) {
    // The table, or the wrappers a theme put around it, as a child of the page's content.
    var block = table;
    while (block.parentElement && block.parentElement !== scope && block.parentElement !== document.body) {
      block = block.parentElement;
    }
    return block;
  }
  function setUpFilters(bar) {
    var scope = bar.closest("article") || bar.parentElement;
    var options = JSON.parse(bar.getAttribute("data-cjm-backlog-filters"));
    var words = JSON.parse(bar.getAttribute("data-cjm-words"));  // the page's language
    var markers = Array.prototype.slice.call(scope.querySelectorAll(".cjm-backlog-row"));
    var tables = [];
    markers.forEach(function (m) { var t = m.closest("table"); if (t && tables.indexOf(t) < 0) tables.push(t); });
    var params = new URLSearchParams(window.location.search);
    var selects = {};
    var count = document.createElement("p");
    count.className = "cjm-filter-count";
    count.setAttribute("aria-live", "polite");
    KEYS.forEach(function (key) {
      if (!options[key] || options[key].length < 2) return;  // nothing to choose between
      var label = document.createElement("label");
      label.appendChild(document.createTextNode(words[key] + " "));
      var select = document.createElement("select");
      select.name = key;
      select.add(new Option(words.all, ""));
      options[key].forEach(function (choice) { select.add(new Option(choice[1], choice[0] === "" ? "-" : choice[0])); });
      var wanted = params.get(key);
      if (wanted !== null) select.value = wanted;
      if (select.selectedIndex < 0) select.value = "";
      select.addEventListener("change", apply);
      label.appendChild(select);
      bar.appendChild(label);
      selects[key] = select;
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "cjm-filter-reset";
    reset.textContent = words.reset;
    reset.addEventListener("click", function () {
      Object.keys(selects).forEach(function (key) { selects[key].value = ""; });
      apply();
    });
    bar.appendChild(reset);
    bar.appendChild(count);
    function apply() {
      var chosen = {}, query = new URLSearchParams(window.location.search);
      Object.keys(selects).forEach(function (key) {
        var value = selects[key].value;
        if (value !== "") { chosen[key] = value === "-" ? "" : value; query.set(key, value); }
        else query.delete(key);
      });
      var shown = {pain: 0, opportunity: 0}, total = {pain: 0, opportunity: 0};
      markers.forEach(function (marker) {
        var keep = Object.keys(chosen).every(function (key) {
          return (marker.getAttribute("data-cjm-" + key) || "").split("|").indexOf(chosen[key]) >= 0;
        });
        marker.closest("tr").hidden = !keep;
        var section = marker.getAttribute("data-cjm-section");
        total[section]++;
        if (keep) shown[section]++;
      });
      tables.forEach(function (table) {
        var visible = Array.prototype.some.call(table.tBodies[0].rows, function (row) { return !row.hidden; });
        var block = blockOf(table, scope);
        block.hidden = !visible;
        var heading = block.previousElementSibling;
        if (heading && /^H[2-6]$/.test(heading.tagName)) heading.hidden = !visible;
      });
      reset.hidden = Object.keys(chosen).length === 0;
      count.textContent = words.count.replace("{pains}", shown.pain).replace("{pain_total}", total.pain)
        .replace("{opportunities}", shown.opportunity).replace("{opportunity_total}", total.opportunity);
      var address = window.location.pathname + (query.toString() ? "?" + query.toString() : "") + window.location.hash;
      try { window.history.replaceState(window.history.state, "", address); } catch (e) { /* file: pages */ }
    }
    tables.forEach(function (table) { setUpSorting(table, tables); });
    bar.hidden = false;
    apply();
  }
  function setUp() {
    document.querySelectorAll("[data-cjm-backlog-filters]").forEach(function (bar) {
      if (bar.dataset.cjmReady) return;
      bar.dataset.cjmReady = "yes";
      setUpFilters(bar);
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setUp);
  else if (document.readyState !== "loading") setUp();
  else document.addEventListener("DOMContentLoaded", setUp);
})();
"""
