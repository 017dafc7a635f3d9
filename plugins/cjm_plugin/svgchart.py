"""Small helpers for the charts drawn directly as SVG (funnel, impact × effort matrix).

The charts sit in generated Markdown pages, which the site's Markdown runs over again: every
piece of map text is one line, with the characters XML forbids removed, and the characters
Markdown or its extensions give meaning to written as entities (`text.escape`).
"""

from __future__ import annotations

from .diagrams.text import one_line, wrap
from .text import escape


def svg_text(value: object, limit: int | None = None) -> str:
    """Map text for an SVG text node or attribute value."""
    return escape(one_line(value, limit))


def svg_lines(value: object, width: int, max_lines: int) -> list[str]:
    """Map text wrapped to lines of about `width` characters, each ready for SVG."""
    return [escape(line) for line in wrap(value, width=width, max_lines=max_lines)]


def number(value: float) -> str:
    """A coordinate: at most one decimal, no trailing `.0` (same bytes on every run)."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def chart_block(svg: str, css_class: str, label: str) -> str:
    """The SVG in a `<div>`, as one raw HTML block of a Markdown page (no blank line may
    end it early). It scrolls sideways rather than shrink its text below reading size.
    Out of the search index: its text is the page's again, with the chart's own titles."""
    body = "\n".join(line for line in svg.splitlines() if line.strip())
    return (f'<div class="cjm-chart {css_class}" role="region" tabindex="0"'
            f' aria-label="{svg_text(label)}" data-search-exclude>\n{body}\n</div>\n')
