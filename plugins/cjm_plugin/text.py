"""Map text -> safe fragments for generated Markdown pages.

Generated pages are Markdown, and the site's Markdown (with whatever
extensions it enables: attr_list, emoji, snippets, macros...) runs over them
again. So map text never goes into a page as Markdown source: it is rendered
here to HTML, with

- raw HTML escaped (unless the site allows it),
- links and images restricted to http(s), mailto and relative URLs,
- every character that Markdown or a common extension gives meaning to
  written as a numeric entity, so the second pass sees plain text and a
  `|` cannot split a table cell.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

# Markdown, attr_list `{: }`, emoji `:x:`, tables `|`, magiclink `@`/`#`,
# pymdownx caret/tilde/mark/critic, arithmatex `$`, macros `{{ }}`. Fragments
# never start a line, so line-start syntax (lists, headings, snippets) is inert.
_SIGNIFICANT = "\\`*_{}[]#+!|:~^=@$<>&\""
_ENTITIES = {ord(ch): f"&#{ord(ch)};" for ch in _SIGNIFICANT}
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_SAFE_SCHEMES = {"", "http", "https", "mailto"}


def escape(text: object) -> str:
    """Plain text for any place in a generated page, table cells included."""
    value = "" if text is None else str(text)
    value = value.translate(_ENTITIES)
    return re.sub(r"\r\n|\r|\n", "<br>", value)


def escape_url(url: object) -> str:
    """A URL for an href attribute (already checked safe by the model)."""
    return html.escape(str(url), quote=True).replace("|", "%7C")


def _protect_text_nodes(fragment: str) -> str:
    """Entity-encode Markdown-significant characters outside of tags."""
    parts = _TAG_OR_TEXT.split(fragment)
    for index in range(0, len(parts), 2):  # even parts are text, odd are tags
        text = html.unescape(parts[index])
        parts[index] = text.translate(_ENTITIES)
    # Tag attributes may hold `|` too (a title, a URL), which would split a table cell.
    return "".join(parts).replace("|", "&#124;")


def is_safe_url(url: str) -> bool:
    cleaned = "".join(ch for ch in url if not ch.isspace() and ord(ch) >= 32)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in _SAFE_SCHEMES


class _SafeUrls(Treeprocessor):
    """Drops links and images whose URL could run script (`javascript:`, `data:`...)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            href = element.get("href")
            if href is not None and not is_safe_url(href):
                del element.attrib["href"]
            src = element.get("src")
            if element.tag == "img" and src is not None and not is_safe_url(src):
                alt = element.get("alt", "")
                element.tag, element.text = "span", alt
                element.attrib.clear()


class MarkdownRenderer:
    """Renders the Markdown fields of maps (summary, descriptions, ...)."""

    def __init__(self, allow_html: bool = False):
        self._md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        if not allow_html:
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")
        self._md.treeprocessors.register(_SafeUrls(self._md), "cjm_safe_urls", 0)
        self._cache: dict[tuple[str, bool], str] = {}

    def block(self, text: object) -> str:
        """Paragraphs and lists, as one line of HTML (no blank line ends it early)."""
        return self._render(text, inline=False)

    def inline(self, text: object) -> str:
        """For table cells and list items: no surrounding paragraph, one line."""
        return self._render(text, inline=True)

    def _render(self, text: object, inline: bool) -> str:
        source = "" if text is None else str(text)
        key = (source, inline)
        if key not in self._cache:
            self._md.reset()
            rendered = self._md.convert(source).strip()
            if inline and rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
                rendered = rendered[3:-4]
            if inline:
                rendered = rendered.replace("</p>\n<p>", "<br><br>")
            rendered = re.sub(r"\s*\n\s*", " " if inline else "", rendered)
            self._cache[key] = _protect_text_nodes(rendered)
        return self._cache[key]
