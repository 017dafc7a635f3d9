"""Large finished HTML blocks of generated pages, kept away from Markdown.

The journey canvas (about 1,800 tags on a persona page) and the diagrams' SVG are finished
HTML. Left in a page's Markdown, Python-Markdown's HTML parser reads them again on every
build: 150 of the 165 ms a 200-persona site's persona page took (measured with the
benchmark's maps), and the search index's HTML parser another 35 ms on the canvas alone.
Generated pages mark such blocks with `mark`; an adapter that sees the Markdown before
conversion and the page after (the MkDocs plugin) lifts them out with `lift`, leaving an
empty placeholder element, and puts them back into the finished page with `restore`, so no
Markdown extension, search indexer or other plugin reads them. Without an adapter (`cjm
generate` for another engine) the markers are HTML comments and the blocks are ordinary raw
HTML.

Map text can never form a marker: it reaches pages with `<` as `&#60;` (text.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

START = "<!--cjm:raw-->"
END = "<!--/cjm:raw-->"


def mark(html: str) -> str:
    """`html` between the markers, as lines of their own."""
    return f"{START}\n{html.strip()}\n{END}\n" if html.strip() else ""


@dataclass
class Lifted:
    markdown: str
    blocks: dict[str, str] = field(default_factory=dict)  # placeholder -> HTML


# An empty element: no text for a search index, and a minifier may drop its quotes.
_PLACEHOLDER = re.compile(r"""<div data-cjm-raw=["']?(\w+)["']?\s*>\s*</div>""")


def lift(markdown: str, token: str = "CJMRAW") -> Lifted:
    """Each marked block swapped for an empty placeholder element (a raw HTML block)."""
    if START not in markdown:
        return Lifted(markdown)
    pieces: list[str] = []
    blocks: dict[str, str] = {}
    position = 0
    while True:
        start = markdown.find(START, position)
        end = markdown.find(END, start + len(START)) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        placeholder = f"{token}{len(blocks) + 1}X"
        blocks[placeholder] = markdown[start + len(START):end].strip("\n")
        pieces += [markdown[position:start], f'\n\n<div data-cjm-raw="{placeholder}"></div>\n\n']
        position = end + len(END)
    pieces.append(markdown[position:])
    return Lifted("".join(pieces), blocks)


def restore(html: str, blocks: dict[str, str]) -> str:
    """The page with every placeholder back to its block."""
    return _PLACEHOLDER.sub(lambda m: blocks.get(m.group(1), m.group(0)), html)
