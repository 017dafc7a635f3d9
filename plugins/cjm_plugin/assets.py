"""Static files the generated pages use (added to the site by the plugin), and the
stylesheet `cjm render` puts inside its standalone files."""

from .canvas import emotion_slug

# Marker colours: the emotion curve's points, the dots in tables, touchpoint tints and pain
# markers. Each has at least 3:1 contrast against the page (white, or Material's slate),
# and white (light) or the slate background (dark) text on a severity chip at least 4.5:1
# (tests/test_canvas_browser.py measures both in a real browser).
EMOTION_MARKERS = {
    "light": {-2: "#c4372b", -1: "#c75c00", 0: "#7a6a12", 1: "#2f7cc0", 2: "#1c5aa6"},
    "dark": {-2: "#ff8a7d", -1: "#ffae5c", 0: "#e3d37b", 1: "#8dc5f2", 2: "#5ea8ee"},
}
SEVERITY_MARKERS = {
    "light": {"high": "#c62828", "medium": "#b45309", "low": "#6b6b00", "none": "#6b7079"},
    "dark": {"high": "#ff8a80", "medium": "#ffb74d", "low": "#d4d46a", "none": "#b0b5bd"},
}


def _palette(scheme: str) -> str:
    emotions = " ".join(f"--cjm-emo-{emotion_slug(e)}: {c};" for e, c in EMOTION_MARKERS[scheme].items())
    severities = " ".join(f"--cjm-sev-{s}: {c};" for s, c in SEVERITY_MARKERS[scheme].items())
    on_marker, muted_mix, mot = ("#ffffff", "72%", "#8a5a00") if scheme == "light" else ("#1e2129", "86%", "#ffd54f")
    return (f"{emotions} {severities} --cjm-on-marker: {on_marker}; --cjm-muted-mix: {muted_mix};"
            f" --cjm-mot: {mot};")


PALETTE = f"""\
:root {{ {_palette("light")} }}
[data-md-color-scheme="slate"] {{ {_palette("dark")} }}
"""

STYLESHEET_BASE = """\
/* cjm: journey maps. */
.cjm-emotion { white-space: nowrap; font-weight: 600; }
.cjm-emotion::before { content: "\\25CF\\00A0"; }
.cjm-emotion-0::before { color: var(--cjm-emo-m2); }
.cjm-emotion-1::before { color: var(--cjm-emo-m1); }
.cjm-emotion-2::before { color: var(--cjm-emo-0); }
.cjm-emotion-3::before { color: var(--cjm-emo-1); }
.cjm-emotion-4::before { color: var(--cjm-emo-2); }
.cjm-emotion-none { color: var(--md-default-fg-color--light); }
.cjm-emotion-none::before { content: ""; }
.cjm-severity { font-weight: 600; }
.cjm-severity-high { color: var(--cjm-sev-high); }
.cjm-severity-medium { color: var(--cjm-sev-medium); }
.cjm-quote { font-style: italic; }
.cjm-state-future { font-weight: 600; color: var(--md-accent-fg-color, #526cfe); }
/* Diagrams fit the column; "Full size" (a <details>, no script) shows them at their own
   size, scrolling sideways. Their shapes carry their own light fills and dark text, so in
   dark mode the panel is a quiet surface of the page, not a bright sheet. */
.cjm-diagram { margin: 1em 0; }
.cjm-diagram-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.cjm-diagram svg { display: block; height: auto; }
.cjm-diagram-size[open] ~ .cjm-diagram-scroll svg { width: var(--cjm-natural-width, auto); max-width: none !important; }
.md-typeset .cjm-diagram-size, .cjm-diagram-size { display: inline-block; margin: 0 0 .4em; padding: 0; border: 0;
  box-shadow: none; background: none; font-size: max(12px, .65rem); overflow: visible; }
.md-typeset .cjm-diagram-size > summary, .cjm-diagram-size > summary { display: inline-block; cursor: pointer; margin: 0;
  padding: .1em .6em; border: 1px solid var(--md-default-fg-color--lighter, #999); border-radius: 1em;
  background: none; color: var(--md-default-fg-color--light, inherit); font-weight: 400; }
.md-typeset .cjm-diagram-size > summary::before, .md-typeset .cjm-diagram-size > summary::after { display: none; }
.cjm-diagram-size > summary::-webkit-details-marker { display: none; }
.cjm-diagram-size:not([open]) > summary .cjm-size-fit, .cjm-diagram-size[open] > summary .cjm-size-full { display: none; }
.cjm-diagram-links { font-size: 0.75em; }
[data-md-color-scheme="slate"] .cjm-diagram svg { background: color-mix(in srgb, var(--md-default-fg-color) 6%, var(--md-default-bg-color)); border-radius: 4px; }
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
  // A journey canvas that fits the page has a CSS-sticky header row. One that scrolls
  // sideways is a scroller of its own, which stops `position: sticky` from following the
  // page: there the row is moved along with the page's scroll instead (an enhancement;
  // the canvas reads the same without it).
  var queued = false;
  function followPage() {
    queued = false;
    var bar = document.querySelector(".md-header"), top = 0;
    if (bar && getComputedStyle(bar).position !== "static") top = Math.max(0, bar.getBoundingClientRect().bottom);
    document.querySelectorAll(".cjm-canvas").forEach(function (canvas) {
      var head = canvas.querySelector(".cjm-head");
      if (!head) return;
      if (getComputedStyle(canvas).overflowX === "visible" || getComputedStyle(head).position !== "sticky") {
        head.style.transform = "";
        return;
      }
      var grid = head.parentElement.getBoundingClientRect();
      var shift = Math.min(Math.max(0, top - grid.top), Math.max(0, grid.height - head.offsetHeight));
      head.style.transform = shift > 0 ? "translateY(" + shift + "px)" : "";
    });
  }
  function queue() {
    if (!queued) { queued = true; window.requestAnimationFrame(followPage); }
  }
  window.addEventListener("scroll", queue, {passive: true});
  window.addEventListener("resize", queue);
  function setUp() {
    followPage();
    if (!document.querySelector(".cjm-sortable")) return;
    document.querySelectorAll("article table").forEach(sortable);
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setUp);
  else if (document.readyState !== "loading") setUp();
  else document.addEventListener("DOMContentLoaded", setUp);
})();
"""

# --- the journey canvas (canvas.py) ------------------------------------------------------
# Sizes in rem follow Material (20 px at most widths); `max(12px, …)` keeps every text at
# 12 px or more under any theme. The column minimum fits 8 stages in a 1440 px window.
LABEL_WIDTH_REM = 7.5
COLUMN_MIN_REM = 6.5
PHONE_LABEL_WIDTH_REM = 5.5

CANVAS_STYLESHEET = """\
/* --- journey canvas: one grid, stages as columns, lanes as rows ---------------------- */
.cjm-canvas-frame {
  --cjm-label-width: %(label)srem; --cjm-col-min: %(column)srem;
  --cjm-sticky-top: 2.4rem; /* under Material's sticky header */
  --cjm-bg: var(--md-default-bg-color, #ffffff);
  --cjm-fg: var(--md-default-fg-color, rgba(0, 0, 0, .87));
  /* Secondary text: Material's --light shade is 4.6:1 on white, too faint on a tint. */
  --cjm-muted: color-mix(in srgb, var(--cjm-fg) var(--cjm-muted-mix), var(--cjm-bg));
  --cjm-rule: var(--md-default-fg-color--lightest, rgba(0, 0, 0, .07));
  --cjm-border: var(--md-default-fg-color--lighter, rgba(0, 0, 0, .32));
  --cjm-surface: color-mix(in srgb, var(--cjm-fg) 4%%, var(--cjm-bg));
  --cjm-level: 1.35rem; --cjm-pad: 1.3rem;
  container-type: inline-size;
  margin: 1.2em 0 2em; color: var(--cjm-fg);
  font-size: max(12px, .65rem); line-height: 1.35;
}
.cjm-canvas-frame .cjm-canvas { position: relative; overflow-x: auto; overscroll-behavior-x: contain;
  border: 1px solid var(--cjm-border); border-radius: .2rem; background: var(--cjm-bg); }
.cjm-canvas-frame .cjm-canvas:focus-visible { outline: 2px solid var(--md-accent-fg-color, #526cfe); }
.cjm-canvas-frame .cjm-grid { display: grid; min-width: min-content;
  grid-template-columns: var(--cjm-label-width) repeat(var(--cjm-stages), minmax(var(--cjm-col-min), 1fr)); }
.cjm-canvas-frame .cjm-row { grid-column: 1 / -1; display: grid; grid-template-columns: subgrid; border-top: 1px solid var(--cjm-rule); }
.cjm-canvas-frame .cjm-label { position: sticky; left: 0; z-index: 2; padding: .45rem .55rem; background: var(--cjm-bg);
  border-right: 1px solid var(--cjm-border); font-weight: 700; overflow-wrap: anywhere; }
.cjm-canvas-frame .cjm-label-text { display: block; }
.cjm-canvas-frame .cjm-kind { display: block; font-weight: 400; color: var(--cjm-muted); font-size: max(12px, .6rem); }
.cjm-canvas-frame .cjm-cell { min-width: 0; padding: .4rem .35rem; border-left: 1px solid var(--cjm-rule); overflow-wrap: anywhere; }
.cjm-canvas-frame .cjm-label + .cjm-cell, .cjm-canvas-frame .cjm-label + .cjm-stage { border-left: 0; }
.cjm-canvas-frame .cjm-canvas a { color: inherit; text-decoration: underline; text-decoration-color: var(--cjm-border); text-underline-offset: .15em; }
.cjm-canvas-frame .cjm-canvas a:hover, .cjm-canvas-frame .cjm-canvas a:focus { color: var(--md-accent-fg-color, inherit); }

/* Stage headers: number, name, feeling and emotion; sticky while the canvas scrolls by. */
.cjm-canvas-frame .cjm-head { position: sticky; top: 0; z-index: 3; background: var(--cjm-bg); border-top: 0;
  box-shadow: 0 1px 0 var(--cjm-border); }
.cjm-canvas-frame .cjm-head .cjm-label { z-index: 4; display: flex; align-items: end; color: var(--cjm-muted); font-weight: 400; }
.cjm-canvas-frame .cjm-stage { min-width: 0; padding: .4rem .5rem .45rem; border-left: 1px solid var(--cjm-rule);
  border-top: .25rem solid var(--cjm-emo, var(--cjm-border));
  background: color-mix(in srgb, var(--cjm-emo, transparent) 9%%, var(--cjm-bg)); overflow-wrap: anywhere; }
.cjm-canvas-frame .cjm-stage-number { display: block; color: var(--cjm-muted); font-size: max(12px, .6rem); }
.cjm-canvas-frame .cjm-stage-name { display: block; font-weight: 700; font-size: max(13px, .72rem); line-height: 1.25; }
.cjm-canvas-frame .cjm-canvas a.cjm-stage-name { text-decoration-color: transparent; }
.cjm-canvas-frame .cjm-canvas a.cjm-stage-name:hover { text-decoration-color: currentColor; }
.cjm-canvas-frame .cjm-stage-mood { display: flex; gap: .3em; align-items: baseline; margin-top: .15rem; font-size: max(12px, .6rem); }
.cjm-canvas-frame .cjm-stage-emotion { color: var(--cjm-muted); }
.cjm-canvas-frame .cjm-marker { flex: none; display: inline-block; width: .55rem; height: .55rem; border-radius: 50%%;
  background: var(--cjm-emo, transparent); box-shadow: inset 0 0 0 1px var(--cjm-emo, var(--cjm-border)); }

.cjm-canvas-frame .cjm-emo-m2 { --cjm-emo: var(--cjm-emo-m2); } .cjm-emo-m1 { --cjm-emo: var(--cjm-emo-m1); }
.cjm-canvas-frame .cjm-emo-0 { --cjm-emo: var(--cjm-emo-0); } .cjm-emo-1 { --cjm-emo: var(--cjm-emo-1); }
.cjm-canvas-frame .cjm-emo-2 { --cjm-emo: var(--cjm-emo-2); }
.cjm-canvas-frame .cjm-sev-high { --cjm-sev: var(--cjm-sev-high); } .cjm-sev-medium { --cjm-sev: var(--cjm-sev-medium); }
.cjm-canvas-frame .cjm-sev-low { --cjm-sev: var(--cjm-sev-low); } .cjm-sev-none { --cjm-sev: var(--cjm-sev-none); }

/* Items: small cards, one per action, thought, touchpoint, pain point, idea, metric. */
/* `.cjm-canvas-frame .cjm-canvas` outweighs Material's `[dir=ltr] .md-typeset ul li`. */
.cjm-canvas-frame .cjm-canvas .cjm-items { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .3rem; }
.cjm-canvas-frame .cjm-canvas .cjm-items > li { margin: 0; padding: .25rem .4rem; border-radius: .15rem; line-height: 1.35; }
.cjm-canvas-frame .cjm-canvas .cjm-items > li p { margin: 0; }
.cjm-canvas-frame .cjm-canvas .cjm-actions > li { background: var(--cjm-surface); }
.cjm-canvas-frame .cjm-canvas .cjm-thoughts > li { font-style: italic; background: var(--cjm-surface); border-radius: .6rem; }
.cjm-canvas-frame .cjm-canvas .cjm-thoughts > li::before { content: "\\201C"; } .cjm-canvas .cjm-thoughts > li::after { content: "\\201D"; }
.cjm-canvas-frame .cjm-canvas .cjm-touchpoint { display: flex; flex-direction: column; gap: .1rem;
  border-left: .2rem solid var(--cjm-emo, var(--cjm-border));
  background: color-mix(in srgb, var(--cjm-emo, transparent) 12%%, var(--cjm-bg)); }
.cjm-canvas-frame .cjm-tp-name { font-weight: 600; }
.cjm-canvas-frame .cjm-meta { color: var(--cjm-muted); font-size: max(12px, .6rem); }
.cjm-canvas-frame .cjm-meta > :not(:last-child)::after { content: "\\00A0\\00B7\\0020"; }
.cjm-canvas-frame .cjm-tp-emotion { white-space: nowrap; }
.cjm-canvas-frame .cjm-tp-emotion .cjm-marker { margin-right: .2em; vertical-align: baseline; }
.cjm-canvas-frame .cjm-canvas .cjm-pain { border-left: .2rem solid var(--cjm-sev); background: color-mix(in srgb, var(--cjm-sev) 8%%, var(--cjm-bg)); }
.cjm-canvas-frame .cjm-chip { display: inline-block; color: inherit; padding: 0 .35rem; border-radius: .6rem; font-size: max(12px, .6rem);
  line-height: 1.5; white-space: nowrap; border: 1px solid var(--cjm-border); text-decoration: none; }
.cjm-canvas-frame .cjm-severity-chip { background: var(--cjm-sev); border-color: var(--cjm-sev); color: var(--cjm-on-marker); font-weight: 700; }
.cjm-canvas-frame .cjm-canvas .cjm-opportunity { border: 1px dashed var(--cjm-border); display: flex; flex-direction: column; gap: .2rem; }
.cjm-canvas-frame .cjm-chips { display: flex; flex-wrap: wrap; gap: .2rem; }
.cjm-canvas-frame .cjm-status-done { border-style: solid; font-weight: 700; }
.cjm-canvas-frame .cjm-status-in-progress { border-style: solid; }
.cjm-canvas-frame .cjm-canvas a.cjm-link { text-decoration: none; font-weight: 600; }
.cjm-canvas-frame .cjm-canvas .cjm-metric { display: flex; flex-direction: column; background: var(--cjm-surface); }
.cjm-canvas-frame .cjm-metric-value { font-size: max(13px, .7rem); }
.cjm-canvas-frame .cjm-metric-target, .cjm-canvas-frame .cjm-metric-verdict { color: var(--cjm-muted); font-size: max(12px, .6rem); }
.cjm-canvas-frame .cjm-metric-verdict { display: flex; flex-wrap: wrap; gap: 0 .45rem; }
.cjm-canvas-frame .cjm-metric-missed .cjm-gap { color: var(--cjm-sev-high); font-weight: 600; }
.cjm-canvas-frame .cjm-metric-met .cjm-gap { color: var(--cjm-emo-2); font-weight: 600; }
.cjm-canvas-frame .cjm-blueprint .cjm-label { font-weight: 700; }
.cjm-canvas-frame .cjm-canvas .cjm-lane-items > li { background: var(--cjm-surface); }

/* The emotion curve: points at 50%% of their stage's cell, the line an SVG over the stage
   columns in column units, so both stay on the column centres at any width. */
.cjm-canvas-frame .cjm-lane-emotion > .cjm-label { grid-column: 1; grid-row: 1; }
.cjm-canvas-frame .cjm-lane-emotion > .cjm-label .cjm-scale { display: block; }
.cjm-canvas-frame .cjm-scale { font-weight: 400; color: var(--cjm-muted); font-size: max(12px, .6rem); line-height: 1; }
.cjm-canvas-frame .cjm-scale > span { position: absolute; right: .55rem; transform: translateY(-50%%); }
.cjm-canvas-frame .cjm-scale > :nth-child(1) { top: var(--cjm-pad); }
.cjm-canvas-frame .cjm-scale > :nth-child(2) { top: calc(var(--cjm-pad) + 2 * var(--cjm-level)); }
.cjm-canvas-frame .cjm-scale > :nth-child(3) { top: calc(var(--cjm-pad) + 4 * var(--cjm-level)); }
.cjm-canvas-frame .cjm-curve { grid-column: 2 / -1; grid-row: 1; position: relative; pointer-events: none; }
.cjm-canvas-frame .cjm-curve svg { position: absolute; left: 0; top: var(--cjm-pad); width: 100%%; height: calc(4 * var(--cjm-level)); overflow: visible; }
.cjm-canvas-frame .cjm-guide { stroke: var(--cjm-rule); stroke-width: 1; vector-effect: non-scaling-stroke; }
.cjm-canvas-frame .cjm-guide-zero { stroke: var(--cjm-border); stroke-dasharray: 2 3; }
.cjm-canvas-frame .cjm-curve-line { fill: none; stroke: var(--cjm-muted); stroke-width: 2.5; stroke-linejoin: round; vector-effect: non-scaling-stroke; }
.cjm-canvas-frame .cjm-curve-gap { stroke-dasharray: 5 5; stroke-width: 1.5; }
/* An assumed emotion (not backed by research, links.confidence): a ring, not a solid dot. */
.cjm-canvas-frame .cjm-point.cjm-assumed { background: var(--cjm-bg); border: 2px dashed var(--cjm-emo); box-shadow: none; }
.cjm-canvas-frame .cjm-marker.cjm-assumed { box-sizing: border-box; background: transparent; box-shadow: none;
  border: 1.5px dashed var(--cjm-emo, var(--cjm-border)); }
.cjm-canvas-frame .cjm-mot { color: var(--cjm-mot); font-weight: 700; cursor: help; }
.cjm-canvas-frame .cjm-emotion-cell { grid-row: 1; position: relative; padding: 0;
  height: calc(2 * var(--cjm-pad) + 4 * var(--cjm-level) + 1.7rem); }
.cjm-canvas-frame .cjm-point { position: absolute; z-index: 1; left: 50%%; top: calc(var(--cjm-pad) + var(--cjm-y) * var(--cjm-level));
  width: .8rem; height: .8rem; border-radius: 50%%; transform: translate(-50%%, -50%%);
  background: var(--cjm-emo); border: 2px solid var(--cjm-bg); box-shadow: 0 0 0 1.5px var(--cjm-emo); }
.cjm-canvas-frame .cjm-feeling { position: absolute; z-index: 1; left: 50%%; width: max-content; max-width: calc(100%% - .5rem);
  text-align: center; line-height: 1.2; font-size: max(12px, .6rem); padding: 0 .2rem; border-radius: .2rem;
  background: color-mix(in srgb, var(--cjm-bg) 88%%, transparent); }
.cjm-canvas-frame .cjm-feeling-below { top: calc(var(--cjm-pad) + var(--cjm-y) * var(--cjm-level) + .55rem); transform: translateX(-50%%); }
.cjm-canvas-frame .cjm-feeling-above { top: calc(var(--cjm-pad) + var(--cjm-y) * var(--cjm-level) - .55rem); transform: translate(-50%%, -100%%); }
.cjm-canvas-frame .cjm-pain-marker, .cjm-canvas-frame .cjm-pain-sample { display: inline-block; padding: 0 .4rem; border-radius: .6rem; white-space: nowrap;
  font-weight: 700; font-size: max(12px, .6rem); line-height: 1.6; background: var(--cjm-sev, var(--cjm-sev-high));
  color: var(--cjm-on-marker); }
.cjm-canvas-frame .cjm-pain-marker { position: absolute; left: 50%%; bottom: .35rem; transform: translateX(-50%%); }

/* The blueprint's lines: a labelled rule across every column. */
.cjm-canvas-frame .cjm-line { position: relative; border-top: 0; min-height: 1.5rem; }
.cjm-canvas-frame .cjm-line::after { content: ""; position: absolute; left: 0; right: 0; top: 50%%; border-top: 2px dashed var(--cjm-border); }
.cjm-canvas-frame .cjm-line-interaction::after { border-top-style: solid; }
.cjm-canvas-frame .cjm-line-label { position: sticky; left: 0; z-index: 3; grid-column: 1 / -1; justify-self: start; align-self: center;
  margin-left: .3rem; padding: 0 .45rem; background: var(--cjm-bg); color: var(--cjm-muted);
  font-size: max(12px, .6rem); font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }

.cjm-canvas-frame .cjm-legend { display: flex; flex-wrap: wrap; gap: .35rem 1.4rem; margin-top: .5rem; color: var(--cjm-muted); font-size: max(12px, .6rem); }
.cjm-canvas-frame .cjm-legend-group { display: flex; flex-wrap: wrap; gap: .2rem .7rem; align-items: center; }
.cjm-canvas-frame .cjm-legend-title { font-weight: 700; color: var(--cjm-fg); }
.cjm-canvas-frame .cjm-legend-item { display: inline-flex; align-items: center; gap: .25rem; }
.cjm-canvas-frame .cjm-swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: .2rem; background: var(--cjm-sev); }

.cjm-canvas-frame .cjm-card-label { display: none; }
/* Tablets: a narrower label column; the canvas scrolls sideways a stage at a time. */
@container (max-width: 48rem) {
  .cjm-canvas-frame { --cjm-label-width: %(phone_label)srem; }
  .cjm-canvas-frame .cjm-canvas { scroll-snap-type: x proximity; scroll-padding-left: var(--cjm-label-width); }
  .cjm-canvas-frame .cjm-stage { scroll-snap-align: start; }
}
/* Phones: a card per stage, read top to bottom, each lane under its own small heading.
   The grid's cells are reordered (stage by stage) rather than duplicated in the page. */
@container (max-width: 30rem) {
  .cjm-canvas-frame .cjm-canvas { overflow: visible; border: 0; background: none; }
  .cjm-canvas-frame .cjm-grid { display: flex; flex-direction: column; min-width: 0; }
  .cjm-canvas-frame .cjm-row { display: contents; }
  .cjm-canvas-frame .cjm-row > * { order: calc(var(--cjm-s, 0) * 100 + var(--cjm-r, 0)); }
  .cjm-canvas-frame .cjm-row > .cjm-label, .cjm-canvas-frame .cjm-line, .cjm-canvas-frame .cjm-curve, .cjm-canvas-frame .cjm-empty { display: none; }
  .cjm-canvas-frame .cjm-head { position: static; }
  .cjm-canvas-frame .cjm-stage { margin-top: 1rem; border: 1px solid var(--cjm-border); border-top: .35rem solid var(--cjm-emo, var(--cjm-border)); border-radius: .2rem .2rem 0 0; }
  .cjm-canvas-frame .cjm-stage[style*="--cjm-s:1;"], .cjm-canvas-frame .cjm-stage[style$="--cjm-s:1"] { margin-top: 0; }
  .cjm-canvas-frame .cjm-grid .cjm-row > .cjm-cell { border: 1px solid var(--cjm-border); border-top: 0; padding: .35rem .6rem .5rem; }
  .cjm-canvas-frame .cjm-card-label { display: block; margin-bottom: .2rem; color: var(--cjm-muted); font-size: max(12px, .6rem); font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
  .cjm-canvas-frame .cjm-emotion-cell { height: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .3rem .5rem; }
  .cjm-canvas-frame .cjm-emotion-cell > .cjm-card-label { flex-basis: 100%%; margin: 0; }
  .cjm-canvas-frame .cjm-emotion-cell > .cjm-point, .cjm-canvas-frame .cjm-emotion-cell > .cjm-feeling, .cjm-canvas-frame .cjm-emotion-cell > .cjm-pain-marker { position: static; transform: none; max-width: none; }
  .cjm-canvas-frame .cjm-emotion-cell > .cjm-point { flex: none; }
  .cjm-canvas-frame .cjm-emotion-cell > .cjm-feeling { background: none; padding: 0; text-align: left; }
}
%(fits)s
/* Full-width persona pages: no navigation or table of contents beside the canvas (front
   matter `hide:`), and the content grid widened on those pages only. */
.md-main__inner.md-grid:has(.cjm-canvas-wide) { max-width: 100rem; }
.md-content__inner:has(> .cjm-canvas-wide) > :is(p, ul, ol, blockquote, h2, h3, .md-typeset__scrollwrap, table, .admonition) { max-width: 46rem; }

/* Print a persona page: its canvas on one A3 landscape sheet, nothing else of the page.
   (Named page on <body>: Chromium ignores `page` inside Material's flex layout.) */
@page cjm-poster { size: A3 landscape; margin: 7mm; }
@media print {
  body:has(.cjm-canvas-page) { page: cjm-poster; }
  /* Material's full-height layout would add an empty second sheet. */
  html:has(.cjm-canvas-page), body:has(.cjm-canvas-page), body:has(.cjm-canvas-page) :is(.md-container, .md-main) {
    min-height: 0 !important; height: auto !important; }
  body:has(.cjm-canvas-page) .md-main__inner { margin-top: 0; padding-top: 0; }
  :is(.md-content__inner, .cjm-standalone):has(> .cjm-canvas-page) { margin: 0; padding: 0; }
  :is(.md-content__inner, .cjm-standalone):has(> .cjm-canvas-page)::before { display: none; }
  :is(.md-content__inner, .cjm-standalone):has(> .cjm-canvas-page) > :not(h1, .cjm-quote, .cjm-canvas-page) { display: none !important; }
  :is(.md-content__inner, .cjm-standalone):has(> .cjm-canvas-page) > h1 { margin: 0; font-size: 13pt; line-height: 1.3; }
  :is(.md-content__inner, .cjm-standalone):has(> .cjm-canvas-page) > .cjm-quote { margin: 0 0 .15rem; padding: 0 .5rem; font-size: 7.5pt; }
  .cjm-canvas-frame { font-size: 7.5pt; line-height: 1.2; margin: 0; --cjm-level: .4rem; --cjm-pad: .45rem;
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .cjm-canvas-frame .cjm-canvas { overflow: visible; border-radius: 0; }
  .cjm-canvas-frame .cjm-grid { min-width: 0; grid-template-columns: 4.5rem repeat(var(--cjm-stages), minmax(0, 1fr)); }
  .cjm-canvas-frame .cjm-head { position: static; transform: none !important; box-shadow: none; border-bottom: 1px solid var(--cjm-border); }
  .cjm-canvas-frame .cjm-label { position: static; padding: .15rem .25rem; overflow-wrap: normal; }
  .cjm-canvas-frame .cjm-lane-emotion > .cjm-label { position: relative; }
  .cjm-canvas-frame .cjm-canvas .cjm-items { gap: .08rem; }
  .cjm-canvas-frame .cjm-canvas .cjm-items > li { padding: .03rem .2rem; line-height: 1.18; }
  .cjm-canvas-frame .cjm-cell { padding: .1rem .16rem; }
  .cjm-canvas-frame .cjm-stage { padding: .12rem .25rem; border-top-width: .18rem; }
  .cjm-canvas-frame .cjm-stage-number { display: none; }
  .cjm-canvas-frame .cjm-stage-name { font-size: 8.5pt; }
  .cjm-canvas-frame :is(.cjm-stage-mood, .cjm-kind, .cjm-meta, .cjm-chip, .cjm-feeling, .cjm-metric-target,
    .cjm-metric-verdict, .cjm-pain-marker, .cjm-scale, .cjm-line-label, .cjm-legend) { font-size: 6.5pt; line-height: 1.25; }
  .cjm-canvas-frame .cjm-metric-value { font-size: 7.5pt; }
  .cjm-canvas-frame .cjm-line { min-height: .5rem; }
  .cjm-canvas-frame .cjm-line-label { line-height: 1; }
  .cjm-canvas-frame .cjm-emotion-cell { height: calc(2 * var(--cjm-pad) + 4 * var(--cjm-level) + .8rem); }
  .cjm-canvas-frame .cjm-pain-marker { bottom: .08rem; }
  .cjm-canvas-frame .cjm-point { width: .55rem; height: .55rem; }
  .cjm-canvas-frame .cjm-feeling-below { top: calc(var(--cjm-pad) + var(--cjm-y) * var(--cjm-level) + .35rem); }
  .cjm-canvas-frame .cjm-feeling-above { top: calc(var(--cjm-pad) + var(--cjm-y) * var(--cjm-level) - .35rem); }
  .cjm-canvas-frame .cjm-legend { margin-top: .1rem; line-height: 1.1; }
  .cjm-canvas-frame .cjm-marker { width: .4rem; height: .4rem; }
  .cjm-canvas-frame .cjm-canvas .cjm-touchpoint { display: block; }
  .cjm-canvas-frame .cjm-tp-name::after { content: " "; }
  .cjm-canvas-frame .cjm-row { break-inside: avoid; }
}
"""


def _fits_rules() -> str:
    """Where the canvas fits its container it does not scroll sideways, so the header row
    sticks under the site's header while the page scrolls (a sideways scroller would catch
    it). One container query per stage count (CSS cannot compute it from `--cjm-stages`)."""
    rules = []
    for count in range(1, 25):
        width = LABEL_WIDTH_REM + count * COLUMN_MIN_REM
        selector = f'.cjm-canvas[data-cjm-stages="{count}"]'
        rules.append(f"@container (min-width: {width:g}rem) {{ {selector} {{ overflow-x: visible; }}"
                     f" {selector} .cjm-head {{ top: var(--cjm-sticky-top); }} }}")
    return "\n".join(rules)


CANVAS_STYLESHEET = CANVAS_STYLESHEET % {
    "label": f"{LABEL_WIDTH_REM:g}", "column": f"{COLUMN_MIN_REM:g}",
    "phone_label": f"{PHONE_LABEL_WIDTH_REM:g}", "fits": _fits_rules(),
}

STYLESHEET = STYLESHEET_BASE + PALETTE + CANVAS_STYLESHEET

# `cjm render`: the canvas as a page of its own, with Material's palette variables (light,
# and slate when the reader's system is dark) so the same stylesheet applies unchanged.
_MATERIAL_LIGHT = ("--md-default-bg-color: #ffffff; --md-default-fg-color: rgba(0, 0, 0, .87);"
                   " --md-default-fg-color--light: rgba(0, 0, 0, .54);"
                   " --md-default-fg-color--lighter: rgba(0, 0, 0, .32);"
                   " --md-default-fg-color--lightest: rgba(0, 0, 0, .07); --md-accent-fg-color: #526cfe;")
_MATERIAL_SLATE = ("--md-default-bg-color: #1e2129; --md-default-fg-color: rgba(226, 228, 233, .82);"
                   " --md-default-fg-color--light: rgba(226, 228, 233, .56);"
                   " --md-default-fg-color--lighter: rgba(226, 228, 233, .32);"
                   " --md-default-fg-color--lightest: rgba(226, 228, 233, .12); --md-accent-fg-color: #8c9eff;")

STANDALONE_STYLESHEET = f"""\
:root {{ font-size: 20px; color-scheme: light dark; {_MATERIAL_LIGHT} {_palette("light")} }}
@media screen and (prefers-color-scheme: dark) {{ :root {{ {_MATERIAL_SLATE} {_palette("dark")} }} }}
html {{ background: var(--md-default-bg-color); color: var(--md-default-fg-color);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; }}
.cjm-standalone {{ padding: 1rem 1.2rem 1.2rem; }}
.cjm-standalone > h1 {{ margin: 0 0 .4rem; font-size: 1.5rem; font-weight: 300; line-height: 1.3; }}
.cjm-standalone > .cjm-quote {{ margin: 0 0 .6rem; padding-left: .6rem; max-width: 46rem; font-size: .8rem;
  border-left: .2rem solid var(--md-default-fg-color--lighter); color: var(--md-default-fg-color--light); }}
.cjm-standalone > .cjm-quote p {{ margin: 0; }}
.cjm-standalone > .cjm-state-future {{ margin: 0 0 .4rem; font-size: .8rem; }}
{CANVAS_STYLESHEET}"""

# Evidence, confidence, links, metrics and the portfolio (insight_assets.py).
from .insight_assets import INSIGHT_SCRIPT, INSIGHT_STYLESHEET  # noqa: E402

STYLESHEET += INSIGHT_STYLESHEET
SCRIPT += INSIGHT_SCRIPT

# Map health and recent changes (governance_assets.py).
from .governance_assets import GOVERNANCE_STYLESHEET  # noqa: E402

STYLESHEET += GOVERNANCE_STYLESHEET

# The journeys index, the emotion charts, the stage pages across personas and the backlog.
from .view_assets import BACKLOG_SCRIPT, VIEW_STYLESHEET  # noqa: E402

STYLESHEET += VIEW_STYLESHEET
SCRIPT += BACKLOG_SCRIPT

# The edit link of pages written by `cjm generate` (edit_assets.py).
from .edit_assets import EDIT_SCRIPT, EDIT_STYLESHEET  # noqa: E402

STYLESHEET += EDIT_STYLESHEET
SCRIPT += EDIT_SCRIPT
