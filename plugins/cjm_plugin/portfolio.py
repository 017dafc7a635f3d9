"""The opportunity portfolio across all maps: a ranking, an impact × effort matrix (SVG,
computed here), and the pain points that no opportunity addresses.

Ranking (docs/insights.md says the same to readers): opportunities with both `impact` and
`effort` are ranked by

1. impact ÷ effort, highest first (exact fractions: 4/2 and 2/1 tie);
2. then the worst severity among the pain points they address (high, medium, low, none);
3. then their full id `persona-id/opportunity-id`, alphabetically; opportunities without an
   `id` come after those with one, in map order.

Same maps, same order, on every build.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping

from .labels import ENGLISH
from .links import LinkIndex, Placed
from .model import SEVERITY_ORDER
from .svgchart import number, svg_text

# Its words are in labels/<language>.yml (labels.py); functions take them, English by default.


@dataclass(frozen=True)
class Ranked:
    rank: int
    placed: Placed
    score: Fraction
    worst: str | None  # the worst severity among the pain points it addresses

    @property
    def score_text(self) -> str:
        """`2`, `1.33`, `0.67`: two decimals at most."""
        return f"{float(self.score):.2f}".rstrip("0").rstrip(".")


def rank(links: LinkIndex) -> tuple[list[Ranked], list[Placed]]:
    """(the scored opportunities in rank order, the unscored ones in map order)."""
    opportunities = [p for p in links.placed if p.kind == "opportunity"]
    scored = [p for p in opportunities if p.item.impact is not None and p.item.effort is not None]
    unscored = [p for p in opportunities if p.item.impact is None or p.item.effort is None]

    def key(placed: Placed) -> tuple:
        worst = links.worst_severity(placed.item)
        reference = placed.reference
        return (-Fraction(placed.item.impact, placed.item.effort), SEVERITY_ORDER[worst],
                reference == "", reference, placed.map.id, placed.path)

    ordered = sorted(scored, key=key)
    ranked = [Ranked(n, p, Fraction(p.item.impact, p.item.effort), links.worst_severity(p.item))
              for n, p in enumerate(ordered, start=1)]
    return ranked, unscored


def unaddressed(links: LinkIndex) -> list[Placed]:
    """Pain points that no opportunity addresses, worst first (then in map order)."""
    pains = [p for p in links.placed if p.kind == "pain" and not links.addressed_by(p.item)]
    return sorted(pains, key=lambda p: SEVERITY_ORDER[p.item.severity])  # stable: map order


# -- the impact × effort matrix ----------------------------------------------------------------

CELL = 84
LEFT = 58
TOP = 12
BOTTOM = 52
RADIUS = 11
SPACING = 26
PER_ROW = 3
PER_CELL = 9


def _cell_origin(effort: int, impact: int) -> tuple[int, int]:
    """Top-left corner of the cell of a score (impact grows upwards)."""
    return LEFT + (effort - 1) * CELL, TOP + (5 - impact) * CELL


def matrix_svg(ranked: list[Ranked], href: Callable[[Placed], str],
               data: Callable[[Placed], str], id_prefix: str,
               labels: Mapping[str, str] = ENGLISH) -> str:
    """Every ranked opportunity as a numbered dot at its impact and effort; each dot links to
    the opportunity. `data(placed)` gives the dot's `data-` attributes (for the filters).

    Links are `xlink:href`, as Graphviz writes them: engines that rewrite `href` in raw HTML
    as if it were relative to the Markdown file (Zensical) leave it alone."""
    size = 5 * CELL
    width, height = LEFT + size + 12, TOP + size + BOTTOM
    middle_x, middle_y = LEFT + size / 2, TOP + size / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="cjm-matrix-chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{id_prefix}title"'
        f' style="max-width:{width}px">',
        f'<title id="{id_prefix}title">{svg_text(labels["matrix_title"])}</title>',
    ]
    # The four corners of two cells each way; the middle row and column (3) are neither.
    quadrants = (("quick_wins", 1, 4, "start", "top"), ("big_bets", 4, 4, "end", "top"),
                 ("fill_ins", 1, 1, "start", "bottom"), ("money_pits", 4, 1, "end", "bottom"))
    for name, effort, impact, _, _ in quadrants:
        x, y = _cell_origin(effort, impact + 1)
        parts.append(f'<rect class="cjm-quadrant cjm-quadrant-{name.replace("_", "-")}" x="{x}"'
                     f' y="{y}" width="{2 * CELL}" height="{2 * CELL}" fill="{_QUADRANT_FILL[name]}"/>')
    for n in range(6):
        parts.append(f'<line class="cjm-grid" x1="{LEFT + n * CELL}" y1="{TOP}" x2="{LEFT + n * CELL}"'
                     f' y2="{TOP + size}" stroke="#e0e0e0"/>')
        parts.append(f'<line class="cjm-grid" x1="{LEFT}" y1="{TOP + n * CELL}" x2="{LEFT + size}"'
                     f' y2="{TOP + n * CELL}" stroke="#e0e0e0"/>')
    for name, _, _, anchor, edge in quadrants:
        ty = TOP + 16 if edge == "top" else TOP + size - 7
        tx = LEFT + 6 if anchor == "start" else LEFT + size - 6
        parts.append(f'<text class="cjm-quadrant-label" x="{tx}" y="{ty}" text-anchor="{anchor}"'
                     f' font-size="12" font-weight="700" fill="#616161">{svg_text(labels[name])}</text>')
    for n in range(1, 6):
        x = LEFT + (n - 0.5) * CELL
        y = TOP + (5 - n + 0.5) * CELL
        parts.append(f'<text class="cjm-axis-label" x="{number(x)}" y="{TOP + size + 18}"'
                     f' text-anchor="middle" font-size="12">{n}</text>')
        parts.append(f'<text class="cjm-axis-label" x="{LEFT - 10}" y="{number(y + 4)}"'
                     f' text-anchor="end" font-size="12">{n}</text>')
    effort_title = f'{labels["effort"]} ({labels["low"]} → {labels["high"]})'
    impact_title = f'{labels["impact"]} ({labels["low"]} → {labels["high"]})'
    parts += [
        f'<text class="cjm-axis-title" x="{number(middle_x)}" y="{TOP + size + 42}" text-anchor="middle"'
        f' font-size="13" font-weight="700">{svg_text(effort_title)}</text>',
        f'<text class="cjm-axis-title" x="0" y="0" text-anchor="middle" font-size="13" font-weight="700"'
        f' transform="translate(18 {number(middle_y)}) rotate(-90)">{svg_text(impact_title)}</text>',
    ]
    cells: dict[tuple[int, int], list[Ranked]] = {}
    for item in ranked:
        cells.setdefault((item.placed.item.effort, item.placed.item.impact), []).append(item)
    for (effort, impact), items in sorted(cells.items()):
        parts += _dots(effort, impact, items, href, data, labels)
    parts.append("</svg>")
    return "\n".join(parts)


def _dots(effort: int, impact: int, items: list[Ranked], href: Callable[[Placed], str],
          data: Callable[[Placed], str], labels: Mapping[str, str] = ENGLISH) -> list[str]:
    x0, y0 = _cell_origin(effort, impact)
    shown = items if len(items) <= PER_CELL else items[:PER_CELL - 1]
    rows = (len(shown) + (len(shown) < len(items)) + PER_ROW - 1) // PER_ROW
    top = y0 + CELL / 2 - (rows - 1) * SPACING / 2
    parts = []
    for n, item in enumerate(shown):
        row, column = divmod(n, PER_ROW)
        in_row = min(PER_ROW, len(shown) + (len(shown) < len(items)) - row * PER_ROW)
        cx = x0 + CELL / 2 + (column - (in_row - 1) / 2) * SPACING
        cy = top + row * SPACING
        placed = item.placed
        title = labels["dot_title"].format(
            rank=item.rank, text=placed.item.text, persona=placed.map.map.persona.name,
            stage=placed.stage.name, impact=placed.item.impact, effort=placed.item.effort)
        done = (placed.item.status or "").strip().lower() == "done"
        parts += [
            f'<a class="cjm-dot{" cjm-dot-done" if done else ""}" xlink:href="{href(placed)}" {data(placed)}>',
            f"<title>{svg_text(title, 300)}</title>",
            f'<circle cx="{number(cx)}" cy="{number(cy)}" r="{RADIUS}" fill="{"#ffffff" if done else "#3f51b5"}"'
            f' stroke="#3f51b5" stroke-width="2"/>',
            f'<text x="{number(cx)}" y="{number(cy + 4)}" text-anchor="middle" font-size="11"'
            f' font-weight="700" fill="{"#3f51b5" if done else "#ffffff"}">{item.rank}</text>',
            "</a>",
        ]
    if len(shown) < len(items):
        n = len(shown)
        row, column = divmod(n, PER_ROW)
        cx = x0 + CELL / 2 + (column - (PER_ROW - 1) / 2) * SPACING
        parts.append(f'<text class="cjm-dot-more" x="{number(cx)}" y="{number(top + row * SPACING + 4)}"'
                     f' text-anchor="middle" font-size="10">'
                     f'{svg_text(labels["more"].format(count=len(items) - len(shown)))}</text>')
    return parts


_QUADRANT_FILL = {"quick_wins": "#e8f5e9", "big_bets": "#e3f2fd", "fill_ins": "#f5f5f5",
                  "money_pits": "#fbe9e7"}
