"""Styles of the map health views: the health page, the line on each persona page and the
"What changed" page (assets.py adds them to the site's stylesheet)."""

GOVERNANCE_STYLESHEET = """\
/* Map health: levels as words on a tinted ground, readable in both colour schemes. */
.cjm-level, .cjm-health-count { display: inline-block; padding: 0 0.45em; border-radius: 0.3em;
  font-size: max(0.85em, 12px); font-weight: 600; white-space: nowrap; }
.cjm-level-error, .cjm-health-error { background: #fde0dc; color: #8e1b10; }
.cjm-level-warning, .cjm-health-warning { background: #fff0c2; color: #6b4a00; }
.cjm-level-notice, .cjm-health-notice { background: #e1ecfb; color: #163f7a; }
.cjm-health-none { color: var(--md-default-fg-color--light, #666); font-weight: 400; }
[data-md-color-scheme="slate"] .cjm-level-error, [data-md-color-scheme="slate"] .cjm-health-error { background: #5c1a14; color: #ffd6d0; }
[data-md-color-scheme="slate"] .cjm-level-warning, [data-md-color-scheme="slate"] .cjm-health-warning { background: #4d3b00; color: #ffe9a8; }
[data-md-color-scheme="slate"] .cjm-level-notice, [data-md-color-scheme="slate"] .cjm-health-notice { background: #173358; color: #d3e4ff; }
.cjm-missing, .cjm-uncommitted { color: var(--md-default-fg-color--light, #666); font-style: italic; }
.cjm-overdue { color: #b3261e; font-weight: 600; }
[data-md-color-scheme="slate"] .cjm-overdue { color: #ffb4ab; }
/* The line under a persona's name: small, one glance, wraps on a phone. */
.cjm-health-line { display: block; margin: -0.4em 0 1em; padding: 0.3em 0.7em; font-size: 0.8em;
  color: var(--md-default-fg-color--light, #555); border-left: 4px solid #9e9e9e; }
.cjm-health-line.cjm-health-error { border-left-color: #c62828; background: none; color: inherit; }
.cjm-health-line.cjm-health-warning { border-left-color: #f9a825; background: none; color: inherit; }
.cjm-health-line.cjm-health-notice { border-left-color: #3f73c4; background: none; color: inherit; }
.cjm-health-line.cjm-health-none { border-left-color: #43a047; }
.cjm-health-note { border-left-color: #3f73c4; }
.cjm-date, .cjm-nowrap, code.cjm-rule { white-space: nowrap; }
.md-typeset code.cjm-rule { font-size: max(0.85em, 12px); }  /* code in a table is smaller still */
/* A commit's subject keeps a readable measure: on a phone the table scrolls sideways rather
   than fold it a word per line. */
.cjm-health-subject { display: inline-block; min-width: 11em; }
.cjm-health-owner { display: inline-block; min-width: 8em; }
"""
