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
.md-typeset ul.cjm-journeys-pair { margin: .4em 0 0; }
.md-typeset .cjm-journeys li { margin: 0; }
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
.cjm-heatmap-chart svg, .cjm-curve-chart-block svg, .cjm-compare-chart svg, .cjm-emotion-chart svg { width: 100%; }
"""
)
BACKLOG_SCRIPT = ""
