"""What "nothing from a map became markup" means, as checks on parsed HTML; and a full
MkDocs build that keeps the plugin (to read the generated Markdown) and parses pages once.

Shared by test_hostile.py (real MkDocs builds of tests/corpus/) and test_properties.py
(generated maps through `build_pages` and Python-Markdown). Every check returns a list
of findings (empty = clean), so a failing test shows all of them at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from mkdocs.commands.build import build
from mkdocs.config import load_config

from cjm_plugin.pages import group_title
from sitebuild import read

# Elements that run script, load other documents or restyle the page. None of them may
# appear in the content of a generated page (the theme's own <script> tags live outside
# <article>). `svg` is allowed: diagrams are inline SVG, checked by `svg_problems`.
FORBIDDEN_ELEMENTS = frozenset({
    "script", "iframe", "object", "embed", "style", "frame", "frameset", "applet", "base",
    "link", "meta", "form", "input", "button", "textarea", "select", "plaintext", "xmp",
    "noscript", "template", "math", "foreignobject", "animate", "set", "handler", "audio",
    "video", "source", "portal",
})
URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href", "action", "formaction", "data",
                            "poster", "srcset", "background", "lowsrc", "ping"})
BAD_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})


class Built(SimpleNamespace):
    """A built site; `soup(url)` parses each page once (parsing dominates these tests)."""

    def soup(self, url: str) -> BeautifulSoup:
        cache = self.__dict__.setdefault("_soups", {})
        if url not in cache:
            cache[url] = BeautifulSoup(read(self.site, url), "html.parser")
        return cache[url]

    def pages(self) -> list[tuple[str, BeautifulSoup]]:
        """(URL path, parsed page) of every HTML file of the site."""
        urls = [p.relative_to(self.site).as_posix() for p in sorted(self.site.rglob("*.html"))]
        return [(url, self.soup(url)) for url in urls]


def full_build(config_file: Path, strict: bool = True) -> Built:
    """A full build as `mkdocs build` runs it; keeps the plugin to read its generated pages."""
    site_dir = config_file.parent / "site"
    config = load_config(str(config_file), strict=strict, site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return Built(root=config_file.parent, site=site_dir, plugin=config.plugins["cjm"])


def url_scheme(url: str) -> str:
    """The scheme a browser would see: control characters and whitespace dropped first."""
    cleaned = "".join(ch for ch in url if ord(ch) > 32 and ch != "\x7f")
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def markup_problems(root: Tag, where: str = "") -> list[str]:
    """Forbidden elements, event-handler attributes and script URLs under `root`."""
    found = []
    for element in root.find_all(True):
        name = element.name.lower()
        if name in FORBIDDEN_ELEMENTS:
            found.append(f"{where}: <{element.name}> element: {str(element)[:120]}")
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            lowered = attribute.lower()
            if lowered.startswith("on"):
                found.append(f"{where}: event handler {attribute}= on <{element.name}>")
            if lowered in URL_ATTRIBUTES and url_scheme(value) in BAD_SCHEMES:
                found.append(f"{where}: {attribute}={value[:60]!r} on <{element.name}>")
            if lowered == "style" and re.search(r"url\(|expression\(|@import", value, re.I):
                found.append(f"{where}: style={value[:60]!r} on <{element.name}>")
    return found


def svg_problems(root: Tag, where: str = "") -> list[str]:
    """Links in inline SVG diagrams must be relative page URLs (no scheme, no host)."""
    found = []
    for svg in root.find_all("svg"):
        for link in svg.find_all("a"):
            for attribute in ("xlink:href", "href"):
                url = link.get(attribute)
                if url is None:
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or url.startswith("/"):
                    found.append(f"{where}: SVG link {attribute}={url!r} is not a relative page URL")
    return found


def _parsed(page: str | Tag) -> Tag:
    return page if isinstance(page, Tag) else BeautifulSoup(page, "html.parser")


def page_problems(page: str | Tag, where: str = "") -> list[str]:
    """Checks for the content (`<article>`) of one built MkDocs page (HTML or parsed)."""
    soup = _parsed(page)
    article = soup.select_one("article")
    if article is None:
        return [f"{where}: no <article>"]
    return markup_problems(article, where) + svg_problems(article, where)


def whole_page_problems(page: str | Tag, where: str = "", marker: str = "alert(") -> list[str]:
    """Checks for everything outside the content too: the theme puts page titles in
    `<title>`, the navigation and the search index; map text must stay text there."""
    soup = _parsed(page)
    found = []
    for element in soup.find_all(True):
        for attribute in element.attrs:
            if attribute.lower().startswith("on"):
                found.append(f"{where}: event handler {attribute}= on <{element.name}>")
    for script in soup.find_all("script"):
        if marker in script.get_text():
            found.append(f"{where}: map text ran as a script: {str(script)[:100]}")
    title = soup.find("title")
    if title is not None and title.find(True) is not None:
        found.append(f"{where}: markup inside <title>: {str(title)[:100]}")
    for element in soup.find_all(["img", "iframe", "svg"]):
        if element.find_parent("article") is None and marker in str(element):
            found.append(f"{where}: map markup outside the content: {str(element)[:100]}")
    return found


def normal(text: str) -> str:
    """Text as compared: whitespace runs (any kind, line breaks too) as one space, and
    the STX/ETX characters Python-Markdown removes from its input dropped."""
    return " ".join(text.replace("\x02", "").replace("\x03", "").split())


def texts(root: Tag, selector: str) -> list[str]:
    """Normalised text of each element matching `selector` (a `<br>` counts as a space)."""
    return [normal(element.get_text(" ")) for element in root.select(selector)]


def shown(value: str, candidates: list[str]) -> bool:
    """Whether map text `value` appears, as text, in one of the candidates."""
    wanted = normal(value)
    return any(wanted in candidate for candidate in candidates)


def expected_text(loaded, verbatim: bool = False):
    """(page URL, CSS selector, text, what) for every map field that must be shown as typed."""
    m, pid = loaded.map, loaded.id
    persona, index = f"journeys/{pid}/", "journeys/"
    yield persona, "article h1", m.persona.name, "persona.name"
    yield index, "article .cjm-journey-name", m.persona.name, "persona.name in the index"
    if m.persona.quote:
        yield persona, ".cjm-quote", m.persona.quote, "persona.quote"
    for key, value in m.persona.profile.items():
        yield persona, "article td", key, "profile key"
        yield persona, "article td", value, "profile value"
    lanes = {lane.id: lane for lane in m.lanes}
    canvas = f'[data-cjm-canvas="{pid}"]'
    for lane in m.lanes:  # the canvas shows the lanes that have items
        if any(stage.lanes.get(lane.id) for stage in m.stages):
            yield persona, f"{canvas} .cjm-label", lane.name, "lane name (canvas)"
    for stage in m.stages:
        page = f"journeys/{pid}/{stage.id}/"
        yield page, "article h1", stage.name, "stage.name"
        yield persona, f"{canvas} [data-cjm-stage]", stage.name, "stage.name (canvas)"
        if stage.feeling:
            yield page, "article p", stage.feeling, "stage.feeling"
            yield persona, f"{canvas} [data-cjm-stage]", stage.feeling, "stage.feeling (canvas)"
        for t in stage.touchpoints:
            yield persona, f"{canvas} .cjm-touchpoint", t.name, "touchpoint.name (canvas)"
            if t.owner:
                yield persona, f"{canvas} .cjm-touchpoint", t.owner, "touchpoint.owner (canvas)"
        for o in stage.opportunities:
            for value, what in ((o.owner, "owner"), (o.status, "status")):
                if value:
                    yield persona, f"{canvas} .cjm-opportunity", value, f"opportunity.{what} (canvas)"
        for metric in stage.metrics:
            yield persona, f"{canvas} .cjm-metric", metric.name, "metric.name (canvas)"
        for t in stage.touchpoints:
            yield page, "article td", t.name, "touchpoint.name"
            yield "journeys/touchpoints/", "article td", t.name, "touchpoint.name (inventory)"
            for value, what in ((t.channel, "channel"), (t.owner, "owner")):
                if value:
                    yield page, "article td", value, f"touchpoint.{what}"
        for o in stage.opportunities:
            for value, what in ((o.owner, "owner"), (o.status, "status")):
                if value:
                    yield page, "article td", value, f"opportunity.{what}"
                    # The backlog groups opportunities by status: the status is their heading.
                    shown_as = value if what == "owner" else group_title(value, "")  # `Idea (1)`
                    yield ("journeys/backlog/", "article td" if what == "owner" else "article h3", shown_as,
                           f"opportunity.{what} (backlog)")
        for metric in stage.metrics:
            yield page, "article td", metric.name, "metric.name"
            if metric.unit and metric.unit.strip():
                yield page, "article td", metric.unit, "metric.unit"
        for lane_id, items in stage.lanes.items():
            if items:  # a lane without items at this stage has no row
                yield page, "article td", lanes[lane_id].name, "lane name (stage)"
        if verbatim:  # Markdown fields whose text has no Markdown meaning
            for item in stage.actions:
                yield page, ".cjm-actions li", item, "stage.actions"
            for item in stage.thoughts:
                yield page, ".cjm-thoughts li", item, "stage.thoughts"
            for value in (stage.objective, stage.description):
                if value:
                    yield page, "article", value, "stage objective/description"
            for t in stage.touchpoints:
                if t.description:
                    yield page, "article td", t.description, "touchpoint.description"
            for item in [*stage.pain_points, *stage.opportunities]:
                yield page, "article td", item.text, "pain point / opportunity text"
            for items in stage.lanes.values():
                for item in items:
                    yield page, "article td", item, "lane item"
                    yield persona, f"{canvas} [data-cjm-lane] li", item, "lane item (canvas)"
            for item in [*stage.actions, *stage.thoughts]:
                yield persona, f"{canvas} [data-cjm-lane] li", item, "action / thought (canvas)"
            for item in [*stage.pain_points, *stage.opportunities]:
                yield persona, f"{canvas} [data-cjm-lane] li", item.text, "pain point / opportunity (canvas)"
    if verbatim:
        for item in m.persona.goals:
            yield persona, ".cjm-goals li", item, "persona.goals"
        for item in m.persona.frustrations:
            yield persona, ".cjm-frustrations li", item, "persona.frustrations"
        for value in (m.persona.summary, m.scenario):
            if value:
                yield persona, "article", value, "summary / scenario"
