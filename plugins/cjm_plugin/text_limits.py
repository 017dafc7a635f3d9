"""How much text one value of a map may hold, so that every page renders quickly.

Python-Markdown, which renders the Markdown fields, recurses once per level of block
nesting (a few hundred nested `>` or list levels raise RecursionError inside it), and scans
from each `[` to its `]` or to the end of the paragraph (200 unclosed `[` in a 20,000
character paragraph took 5 s, and 20,000 took hours). `cjm validate` rejects text past
these limits, with a message that says what to change, so that the build never meets it;
`text.MarkdownRenderer` still falls back to plain text if something gets through.

Real text is far from every limit: a long description is a few thousand characters, nests
three or four levels and has a dozen links.
"""

from __future__ import annotations

import re

MAX_TEXT_LENGTH = 20_000  # characters in one value
MAX_TEXT_LINES = 1_000  # `---` and setext headings cost the square of their count
MAX_MARKDOWN_DEPTH = 20  # nested `>` quotes and lists
# Characters Python-Markdown reads while looking for the ends of links (`[` ... `]` and
# `](` ... `)`): about 1.4 µs each, so this is about 0.15 s for one value at worst.
MAX_LINK_SCAN = 100_000

_CONTAINER = re.compile(r"(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def markdown_depth(text: str) -> int:
    """An upper bound of the block nesting Python-Markdown sees: per line, the `>` and list
    markers it starts with, plus one level per 4 columns of indentation."""
    deepest = 0
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        depth, position = indent // 4, 0
        while True:
            match = _CONTAINER.match(stripped, position)
            if match is None:
                break
            depth += 1
            position = match.end()
        deepest = max(deepest, depth)
    return deepest


def link_scan(text: str) -> int:
    """How many characters Python-Markdown reads looking for the ends of links: from each
    `[` to its matching `]`, and from each `](` to its `)`, or to the end of the paragraph
    when there is none."""
    total = 0
    for paragraph in _PARAGRAPH_BREAK.split(text):
        if "[" not in paragraph:
            continue
        open_brackets: list[int] = []
        open_parens: list[int] = []
        index, length = 0, len(paragraph)
        while index < length:
            ch = paragraph[index]
            if ch == "\\":
                index += 2
                continue
            if ch == "[":
                open_brackets.append(index)
            elif ch == "]" and open_brackets:
                total += index - open_brackets.pop()
                if index + 1 < length and paragraph[index + 1] == "(":
                    open_parens.append(index + 1)
                    index += 1
            elif ch == ")" and open_parens:
                total += index - open_parens.pop()
            index += 1
        total += sum(length - start for start in open_brackets + open_parens)
    return total


def text_problem(text: str) -> str | None:
    """Why `text` can't be one value of a map, or None when it can."""
    if len(text) > MAX_TEXT_LENGTH:
        return (f"the text is {len(text):,} characters long, over the {MAX_TEXT_LENGTH:,} limit"
                " for one value; shorten it, or link to a document that holds the rest")
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES:
        return (f"the text has {lines:,} lines, over the {MAX_TEXT_LINES:,} limit for one value;"
                " shorten it, or link to a document that holds the rest")
    if ">" in text or "\n" in text or text.lstrip()[:1] in ("-", "+", "*") or text[:1].isdigit():
        depth = markdown_depth(text)
        if depth > MAX_MARKDOWN_DEPTH:
            return (f"the Markdown nests {depth} levels deep (`>` quotes, lists and indentation);"
                    f" at most {MAX_MARKDOWN_DEPTH} can be shown: flatten it")
    if "[" in text and link_scan(text) > MAX_LINK_SCAN:
        unclosed = text.count("[") - text.count("]")
        detail = f" ({unclosed:,} more `[` than `]`)" if unclosed > 0 else ""
        return ("the text has too many `[` that Markdown reads as unfinished links"
                f"{detail}; close each link as `[text](address)`, or write `\\[` for a"
                " bracket that is not a link")
    return None
