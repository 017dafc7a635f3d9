"""Text from maps -> safe pieces of DOT: quoted strings, HTML-like labels, wrapped lines.

Map text is untrusted: it may hold quotes, backslashes, `<script>`, `"]; a -> b [`,
control characters, emoji or right-to-left text. Everything that reaches the DOT
source goes through one of three doors:

- `dot_string`: a quoted attribute value (tooltip, URL, id, class). Graphviz
  processes these values several times (`\\N` becomes the node name, entities
  are decoded, `\\n` becomes a line break), so the escaping below is the one
  that round-trips *exactly* to the SVG attribute; tests check that claim
  against the real `dot`.
- `dot_url`: a link; percent-encoded, since Graphviz copies URLs without XML
  escaping.
- `dot_name`: a node or graph name. Graphviz writes it into the SVG `<title>`,
  which screen readers announce, so it is readable text rather than an id.
- `html_label`: an HTML-like label (`<...>`) with full XML escaping (`html_text`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

# Characters XML 1.0 forbids (and C1 controls, which are invisible junk): Graphviz would
# copy them into the SVG and the page would not parse.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value: object) -> str:
    """Text as it may appear in a diagram: `\\n` line ends, no characters XML forbids."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():  # most map text: nothing to change
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").replace("\t", " ")
    return _INVALID.sub("", text)


def one_line(value: object, limit: int | None = None) -> str:
    """`value` with every run of whitespace (line breaks too) as one space, maybe shortened."""
    text = " ".join(clean(value).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def dot_string(value: object) -> str:
    """A quoted DOT attribute value that reaches the SVG as exactly `value`.

    Graphviz decodes entities, then backslash escapes, on escString attributes
    (tooltip, URL, id): so `&` is written as `&amp;`, a backslash as four of them,
    and a line break as `&#10;`. Runs of spaces become one space (Graphviz would
    turn the second space of a pair into a no-break space).
    """
    text = clean(value)
    if "  " in text:
        text = re.sub(" {2,}", " ", text)
    text = text.replace("&", "&amp;").replace("\\", "\\\\\\\\")
    return '"' + text.replace('"', '\\"').replace("\n", "&#10;") + '"'


# Characters a URL may keep as they are; everything else is percent-encoded (UTF-8).
# Graphviz copies URLs into the SVG without XML escaping, so `"`, `<`, `>`, `'`,
# spaces and backslashes must never reach it; `&` is written as an entity by `dot_string`.
URL_SAFE = "/:?#@!$&()*+,;=~-._%"


def dot_url(value: object) -> str:
    """A quoted DOT URL: percent-encoded where needed, then quoted like `dot_string`."""
    return dot_string(quote(clean(value), safe=URL_SAFE))


def dot_name(value: object, limit: int = 120) -> str:
    """A quoted node or graph name: one line, readable in the SVG `<title>`.

    Names are not unescaped by Graphviz, and a backslash before the closing quote
    would swallow it, so backslashes become the look-alike `⧵` (U+29F5). Graphviz
    copies anything that looks like an entity (`&nbsp;`) into the SVG as it is,
    which XML rejects, so `&` is written as `&amp;`.
    """
    text = one_line(value, limit).replace("\\", "\u29f5").replace("&", "&amp;")
    return '"' + text.replace('"', '\\"') + '"'


def xml_escape(value: object) -> str:
    """XML text and attribute escaping; `]` too, which Graphviz's HTML-label parser trips on."""
    text = clean(value)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                         ("'", "&#39;"), ("]", "&#93;")):
        text = text.replace(char, entity)
    return text


def html_text(value: object) -> str:
    """Text inside an HTML-like label: XML-escaped, and backslashes doubled, because
    Graphviz reads `\\N` there as the node name and `\\\\` as one backslash."""
    return xml_escape(value).replace("\\", "\\\\")


def display_width(text: str) -> int:
    """Columns `text` takes: East Asian wide characters count twice."""
    if text.isascii():  # most map text: no per-character look-ups
        return len(text)
    return sum(_char_width(ch) for ch in text)


def _char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _tokens(paragraph: str, width: int) -> list[tuple[str, bool]]:
    """(piece, follows a space) for a paragraph; long words and CJK runs may break anywhere."""
    tokens: list[tuple[str, bool]] = []
    for word in paragraph.split(" "):  # not split(): a no-break space keeps words together
        if not word:
            continue
        if len(word) <= width and word.isascii():  # fits as it is: the usual case
            tokens.append((word, True))
            continue
        pieces: list[str] = []
        current, current_width = "", 0
        for char in word:
            char_width = 1 if char.isascii() else _char_width(char)
            wide = char_width == 2
            if wide or current_width + char_width > width:
                if current:
                    pieces.append(current)
                current, current_width = "", 0
                if wide:  # a line may break before and after each wide character
                    pieces.append(char)
                    continue
            current += char
            current_width += char_width
        if current:
            pieces.append(current)
        tokens.extend((piece, n == 0) for n, piece in enumerate(pieces))
    return tokens


def wrap(value: object, width: int = 22, max_lines: int | None = None) -> list[str]:
    """Lines of at most `width` columns; line breaks in the text start new lines."""
    lines: list[str] = []
    for paragraph in clean(value).split("\n"):
        line = ""
        for piece, spaced in _tokens(paragraph, width):
            joined = f"{line} {piece}" if line and spaced else line + piece
            if line and display_width(joined) > width:
                lines.append(line)
                line = piece
            else:
                line = joined
        if line:
            lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and display_width(last + "…") > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines


class Html(str):
    """An HTML-like label, already escaped: written as `<...>` rather than quoted."""


def html_lines(
    lines: Iterable[str],
    size: float | None = None,
    colour: str | None = None,
    bold: bool = False,
) -> str:
    """Escaped lines joined by `<BR/>`, in one font."""
    text = "<BR/>".join(html_text(line) for line in lines)
    if bold:
        text = f"<B>{text}</B>"
    font = []
    if size is not None:
        font.append(f'POINT-SIZE="{size:g}"')
    if colour is not None:
        font.append(f'COLOR="{colour}"')
    return f"<FONT {' '.join(font)}>{text}</FONT>" if font else text


def html_label(*parts: str) -> Html:
    """Label made of `html_lines` parts, one under the other."""
    body = "<BR/>".join(part for part in parts if part) or " "
    return Html(f"<{body}>")


def html_left_label(*parts: str) -> Html:
    """Like `html_label`, with every line aligned left (a one-cell table)."""
    body = "<BR/>".join(part for part in parts if part) or " "
    return Html(
        '<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0">'
        f'<TR><TD BALIGN="LEFT" ALIGN="LEFT">{body}</TD></TR></TABLE>>'
    )
