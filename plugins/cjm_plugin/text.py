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
# Python-Markdown writes every attribute value in double quotes, with & < > " escaped.
_ATTRIBUTE_VALUE = re.compile(r'="([^"]*)"')
# Inside an attribute value, `&`, `<`, `>` and `"` are already entities; the rest of the
# significant characters must be encoded too (see _protect_text_nodes).
_ATTRIBUTE_ENTITIES = {k: v for k, v in _ENTITIES.items() if chr(k) not in '&<>"'}
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# One line of plain words: starts with a letter (no list, heading or numbered item), single
# spaces, and only punctuation that Markdown without extensions leaves alone (no `\`, `` ` ``,
# `*`, `_`, `[`, `]`, `<`, `>`, `&`). Most map text is like this, and its HTML is known
# without running Python-Markdown: `convert` was a third of the page time of a 200-persona
# site (bench/README.md). tests/test_text_fast_path.py checks both paths agree.
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[,.;:'?!()%/\"#+=|{}~^@$\u2014\u2013\u2019\u2018\u201c\u201d\u2026-]| (?=[^ ]))*")


def escape(text: object) -> str:
    """Plain text for any place in a generated page, table cells included."""
    value = "" if text is None else str(text)
    value = value.translate(_ENTITIES)
    # Called for every value a template prints: skip the regex when there is no line break.
    return _LINE_BREAKS.sub("<br>", value) if "\n" in value or "\r" in value else value


def escape_url(url: object) -> str:
    """A URL for an href attribute (already checked safe by the model)."""
    # `{` and `}` as entities too (the browser decodes them back): `{{ ... }}` in a page
    # is a template to mkdocs-macros, and a map's URL must never run as one.
    return (html.escape(str(url), quote=True).replace("|", "%7C")
            .replace("{", "&#123;").replace("}", "&#125;"))


def _protect_text_nodes(fragment: str) -> str:
    """Entity-encode Markdown-significant characters outside of tags."""
    parts = _TAG_OR_TEXT.split(fragment)
    for index in range(0, len(parts), 2):  # even parts are text, odd are tags
        text = html.unescape(parts[index])
        # A newline left here is inside <pre> (see _render): keep it as an entity, so the
        # fragment stays one line of the page.
        parts[index] = text.translate(_ENTITIES).replace("\n", "&#10;")
    for index in range(1, len(parts), 2):
        # Attribute values (a link title, a URL) are map text too. The page's Markdown reads
        # links, code spans and `{{ }}` before it sees the tag as HTML, so a `[` or a
        # backtick in a title paired with one later on the line and tore the tag apart; a
        # `|` split the table cell. Browsers decode the entities back in attribute values.
        parts[index] = _ATTRIBUTE_VALUE.sub(
            lambda m: '="' + m.group(1).translate(_ATTRIBUTE_ENTITIES) + '"', parts[index]
        )
    return "".join(parts)


def is_safe_url(url: str) -> bool:
    # Check the URL the browser will follow: Python-Markdown writes character references
    # in a link through unchanged, so `jav&#x61;script:` or `javascript&colon;` in a map
    # became a working `javascript:` link. Then drop what browsers drop (tabs, newlines).
    url = html.unescape(url)
    cleaned = "".join(ch for ch in url if not ch.isspace() and ord(ch) >= 32)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in _SAFE_SCHEMES


class _SafeUrls(Treeprocessor):
    """Drops links and images whose URL could run script (`javascript:`, `data:`...).
    Without `images`, every image becomes its alt text: a file that must work offline
    (`cjm render`) fetches nothing."""

    def __init__(self, md: markdown.Markdown, images: bool = True):
        super().__init__(md)
        self.images = images

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            href = element.get("href")
            if href is not None and not is_safe_url(href):
                del element.attrib["href"]
            src = element.get("src")
            if element.tag == "img" and (not self.images or src is not None and not is_safe_url(src)):
                alt = element.get("alt", "")
                element.tag, element.text = "span", alt
                element.attrib.clear()


class MarkdownRenderer:
    """Renders the Markdown fields of maps (summary, descriptions, ...)."""

    def __init__(self, allow_html: bool = False, images: bool = True):
        self.allow_html = allow_html
        self.images = images
        self._md = self._new_markdown()
        self._cache: dict[tuple[str, bool], str] = {}

    def _new_markdown(self) -> markdown.Markdown:
        md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        if not self.allow_html:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeUrls(md, self.images), "cjm_safe_urls", 0)
        return md

    def block(self, text: object) -> str:
        """Paragraphs and lists, as one line of HTML (no blank line ends it early)."""
        return self._render(text, inline=False)

    def inline(self, text: object) -> str:
        """For table cells and list items: no surrounding paragraph, one line."""
        return self._render(text, inline=True)

    def _render(self, text: object, inline: bool) -> str:
        source = "" if text is None else str(text)
        key = (source, inline)
        if key not in self._cache and _PLAIN.fullmatch(source):
            plain = source.translate(_ENTITIES)
            self._cache[key] = plain if inline else f"<p>{plain}</p>"
        if key not in self._cache:
            try:
                rendered = self._md.reset().convert(source).strip()
            except RecursionError:
                # The loader bounds nesting (text_limits.py), but the stack of a build is
                # deeper than the loader's: show the text as it is rather than crash. The
                # interrupted instance is left half-way (it rendered `*a*` as `*a*` after).
                self._md = self._new_markdown()
                plain = escape(source)
                self._cache[key] = plain if inline else f"<p>{plain}</p>"
                return self._cache[key]
            if inline:
                # Paragraphs first, then unwrap: in the other order two paragraphs stayed
                # one `<p>` inside the page's own `<p>` (`**Objective:** <p>..</p>`).
                rendered = rendered.replace("</p>\n<p>", "<br><br>")
            if inline and rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
                rendered = rendered[3:-4]
            # Line breaks in a code block are its content: keep them (as entities, later).
            rendered = _PRE.sub(lambda m: m.group(0).replace("\n", "&#10;"), rendered)
            # A line break inside a paragraph is a space: joining with "" made
            # "Line one\nline two" read "Line oneline two".
            rendered = re.sub(r"\s*\n\s*", " ", rendered)
            self._cache[key] = _protect_text_nodes(rendered)
        return self._cache[key]
