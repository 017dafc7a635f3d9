"""Large finished HTML blocks of generated pages, kept away from Markdown.

The journey canvas (about 1,800 tags on a persona page) and the diagrams' SVG are finished
HTML. Left in a page's Markdown, Python-Markdown's HTML parser reads them again on every
build: 150 of the 165 ms a 200-persona site's persona page took (measured with the
benchmark's maps). Generated pages mark such blocks with `mark`; an adapter that sees the
Markdown before and the HTML after conversion (the MkDocs plugin) lifts them out with `lift`
and puts them back with `restore`, so no Markdown extension or plugin touches them either.
Without an adapter (`cjm generate` for another engine) the markers are HTML comments and the
blocks are ordinary raw HTML.

Map text can never form a marker: it reaches pages with `<` as `&#60;` (text.py).
"""

from __future__ import annotations

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


def lift(markdown: str, token: str = "CJMRAW") -> Lifted:
    """Each marked block swapped for a placeholder paragraph."""
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
        pieces += [markdown[position:start], f"\n\n{placeholder}\n\n"]
        position = end + len(END)
    pieces.append(markdown[position:])
    return Lifted("".join(pieces), blocks)


def restore(html: str, blocks: dict[str, str]) -> str:
    """The converted page with every placeholder back to its block."""
    for placeholder, block in blocks.items():
        html = html.replace(f"<p>{placeholder}</p>", block).replace(placeholder, block)
    return html
