"""Static files the generated pages use (added to the site by the plugin)."""

STYLESHEET = """\
/* cjm: journey maps. Colours follow Material's variables, so light and dark schemes work. */
.cjm-emotion { white-space: nowrap; font-weight: 600; }
.cjm-emotion::before { content: "\\25CF\\00A0"; }
.cjm-emotion-0::before { color: #c62828; }
.cjm-emotion-1::before { color: #ef6c00; }
.cjm-emotion-2::before { color: #9e9e9e; }
.cjm-emotion-3::before { color: #7cb342; }
.cjm-emotion-4::before { color: #2e7d32; }
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
