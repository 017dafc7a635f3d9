"""Property-based tests (Hypothesis): random maps full of hostile text, and random
mutations of valid maps, either give clean `maps/FILE:LINE:COL: message` lines or build
pages whose HTML holds nothing that came from map text.

Pages come from `build_pages` (no diagrams, no MkDocs: cheap) and are rendered with the
Markdown extensions a site would enable; one test runs a few real MkDocs builds.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cjm_plugin.catalog import load_project
from cjm_plugin.pages import PageOptions, build_pages
from cjm_plugin.yaml_source import _LINE_BREAK
from helpers_maps import FULL
from hostile import (expected_text, full_build, markup_problems, normal, page_problems, shown, texts,
                     url_scheme)
from sitebuild import make_site

CORPUS = Path(__file__).resolve().parent / "corpus"
MESSAGE = re.compile(r"maps/[^:]+:\d+:\d+: .+")

# Pieces of hostile text; a generated string is a few of them, with random text between.
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<b>", "</td></tr></table>", "</title>", "<!--", "-->", "<![CDATA[", "]]>",
    "|", "||", '"', "'", "\\", "\\|", "`", "``", "*", "**", "_", "~~", "==", "^^", "++", "$",
    "#", "# ", "- ", "1. ", "> ", "---", "===", "    ", "\t", "\n", "\n\n", "\r\n", "\r",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    "[x](jav&#x61;script:alert(1))", "[x](javascript&colon;alert(1))", "![i](data:text/html,x)",
    "[r]", "\n\n[r]: javascript:alert(1)\n", "<javascript:alert(1)>", "<http://example.org>",
    "[a](http://example.org \"t[`{{x}}|\")", "&", "&lt;", "&#60;", "&amp;", "&#x6A;", "&nbsp;",
    "{{ config }}", "{%", "%}", "{#", "#}", "{:", "}", "{: onclick=alert(1) .evil-class #evil-id }",
    "{#evil-id .evil-class}", '"]; a -> b [', "\\N", "\\l", ":smile:", "@user", "--8<--",
    "😀", "👩🏽‍💻", "🇳🇴", "مرحبا", "שלום", "\u202e", "\u202c", "\u2067", "\u200b", "\u200d",
    "\ufeff", "\u00ad", "\u2028", "\x85", "\x00", "\x02", "\x03", "\x1b[31m", "\x0c",
]
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4)), max_size=6).map("".join)
LINK = st.sampled_from(["https://example.org/?a=<x>|{{y}}", "../x.md", "#top", "//example.org",
                        "jav&#x61;script:alert(1)", "javascript:alert(1)", "data:x", "java\tscript:x"])

ALLOWED_ELEMENTS = {"p", "h1", "h2", "h3", "a", "strong", "em", "code", "pre", "ul", "ol", "li",
                    "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
                    "span", "div", "img",
                    # The views across maps (index cards, stage cards across personas).
                    "article", "section", "header", "h4"}
TEMPLATE_CLASSES = {"admonition", "failure", "admonition-title"}
# The journey canvas (canvas.py) writes these itself; map text reaches only `aria-label` and
# `title`, and ids (slugs) the `data-cjm-*` attributes.
CANVAS_SVG = {"svg", "line", "polyline"}
CANVAS_ATTRIBUTES = {"role", "tabindex", "aria-label", "aria-hidden", "focusable", "viewbox",
                     "preserveaspectratio", "points", "x1", "y1", "x2", "y2", "vector-effect",
                     "data-search-exclude"}
CANVAS_DATA = re.compile(r"data-cjm-(canvas|stage|stages|lane|point|line)")
CANVAS_STYLE = re.compile(r"(?:(?:--cjm-[a-z]+|grid-column):\d+;?)+")
# The charts computed as SVG (portfolio matrix, funnel) and the attributes the insight views
# put on their own elements: anchors, the filters' data, accessible names.
CHART_ELEMENTS = {"svg", "g", "rect", "line", "circle", "text", "title", "a",
                  "tspan", "polyline", "polygon"}  # the emotion charts (emotion_charts.py)
CHART_ATTRIBUTES = {"xmlns", "xmlns:xlink", "viewbox", "width", "height", "x", "y", "x1", "y1", "x2",
                    "y2", "cx", "cy", "r", "rx", "fill", "stroke", "stroke-width", "stroke-dasharray",
                    "font-size", "font-weight", "text-anchor", "transform", "role", "aria-labelledby", "id",
                    "points", "dy"}
VIEW_ATTRIBUTES = {"role", "tabindex", "aria-label", "hidden", "scope", "data-label"}
ANCHOR_ID = re.compile(r"(pain|opportunity|evidence|compare)-[a-z0-9_-]+|cjm-[a-z0-9_-]+title")


def _optional(strategy):
    return st.one_of(st.none(), strategy)


def _clean(value):
    """Drop None values, as a writer leaves keys out."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@st.composite
def journey_maps(draw):
    lane_ids = draw(st.lists(st.sampled_from(["cx", "ops", "it"]), max_size=2, unique=True))
    stage = st.fixed_dictionaries({
        "name": TEXT,
        "id": _optional(st.sampled_from(["awareness", "buy", "use", "x-1"])),
        "objective": _optional(TEXT), "description": _optional(TEXT), "feeling": _optional(TEXT),
        "emotion": _optional(st.integers(-2, 2)),
        "actions": _optional(st.lists(TEXT, max_size=2)),
        "thoughts": _optional(st.lists(TEXT, max_size=2)),
        "touchpoints": _optional(st.lists(st.fixed_dictionaries({
            "name": TEXT, "channel": _optional(TEXT), "owner": _optional(TEXT),
            "description": _optional(TEXT), "emotion": _optional(st.integers(-2, 2)),
            "link": _optional(LINK)}), max_size=2)),
        "pain_points": _optional(st.lists(st.one_of(TEXT, st.fixed_dictionaries({
            "text": TEXT, "severity": _optional(st.sampled_from(["low", "medium", "high"]))})),
            max_size=2)),
        "opportunities": _optional(st.lists(st.one_of(TEXT, st.fixed_dictionaries({
            "text": TEXT, "owner": _optional(TEXT), "status": _optional(TEXT),
            "link": _optional(LINK)})), max_size=2)),
        "metrics": _optional(st.lists(st.fixed_dictionaries({
            "name": TEXT, "value": st.floats(-1e6, 1e6, allow_nan=False),
            "target": _optional(st.integers(-100, 100)), "unit": _optional(TEXT)}), max_size=1)),
        "lanes": _optional(st.dictionaries(st.sampled_from(lane_ids or ["cx"]),
                                           st.lists(TEXT, max_size=2), max_size=2)),
    })
    return _clean({
        "persona": {
            "name": draw(TEXT), "summary": draw(_optional(TEXT)), "quote": draw(_optional(TEXT)),
            "profile": draw(_optional(st.dictionaries(TEXT, TEXT, max_size=2))),
            "goals": draw(_optional(st.lists(TEXT, max_size=2))),
            "frustrations": draw(_optional(st.lists(TEXT, max_size=2))),
        },
        "scenario": draw(_optional(TEXT)),
        "state": draw(_optional(st.sampled_from(["current", "future"]))),
        "lanes": [{"id": lane, "name": draw(TEXT), "description": draw(_optional(TEXT))}
                  for lane in lane_ids] or None,
        "stages": draw(st.lists(stage, min_size=1, max_size=3)),
    })


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


# --- the checks ---------------------------------------------------------------------------

_RENDER = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html", "admonition"])


def _html_problems(src: str, html: str) -> list[str]:
    """Anything in a rendered page that only map text could have put there."""
    soup = BeautifulSoup(html, "html.parser")
    found = markup_problems(soup, src)
    for element in soup.find_all(True):
        chart = element.name == "svg" or element.find_parent("svg") is not None
        in_curve = element.name in CANVAS_SVG and element.find_parent(class_="cjm-curve") is not None
        if element.name not in ALLOWED_ELEMENTS and not in_curve and \
                not (chart and element.name in CHART_ELEMENTS):
            found.append(f"{src}: <{element.name}> element")
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if attribute == "class":
                found += [f"{src}: class {c!r}" for c in value.split()
                          if not c.startswith("cjm-") and c not in TEMPLATE_CLASSES]
            elif attribute == "style":
                if not re.fullmatch(r"text-align: (left|right|center);", value) and \
                        not CANVAS_STYLE.fullmatch(value) and not (
                        chart and re.fullmatch(r"(min-width:[\d.]+px;)?max-width:\d+px", value)):
                    found.append(f"{src}: style={value!r}")
            elif attribute in ("href", "src", "xlink:href"):
                if url_scheme(value) not in ("", "http", "https", "mailto"):
                    found.append(f"{src}: {attribute}={value!r}")
            elif CANVAS_DATA.fullmatch(attribute):
                # Ids: lower-case letters of any script (stage ids may be Unicode), digits, hyphens.
                if not re.fullmatch(r"[\w-]+", value) or "_" in value or value != value.lower():
                    found.append(f"{src}: {attribute}={value!r}")
            elif attribute == "id":
                if not ANCHOR_ID.fullmatch(value):
                    found.append(f"{src}: id={value!r} on <{element.name}>")
            elif chart and attribute in CHART_ATTRIBUTES or attribute in VIEW_ATTRIBUTES:
                continue
            elif attribute.startswith("data-cjm-"):
                continue  # the portfolio filters' values: map text, quoted and escaped
            elif attribute not in ("title", "alt", "markdown", *CANVAS_ATTRIBUTES):
                found.append(f"{src}: attribute {attribute}={value!r} on <{element.name}>")
    return found


def _check_messages(project, text: str) -> None:
    lines = _LINE_BREAK.split(text.lstrip("\ufeff")) if text else [""]
    for diagnostic in project.diagnostics:
        message = str(diagnostic)
        assert MESSAGE.fullmatch(message), message
        assert "Traceback" not in message
        assert 1 <= diagnostic.line <= len(lines) + 1, (message, len(lines))
        assert diagnostic.column >= 1


def _check_pages(project) -> None:
    """Generated Markdown, rendered as a site would: no markup from map text, and the text
    of every plain field (names, owners, profile...) shown whole where it belongs."""
    problems = []
    soups = {}
    for page in build_pages(project, PageOptions()):
        for token in ("{{", "{%", "{#", "{:"):
            if token in page.content:
                problems.append(f"{page.src}: `{token}` in the Markdown")
        html = _RENDER.reset().convert(page.content)
        problems += _html_problems(page.src, html)
        soups[page.src] = BeautifulSoup(f"<article>{html}</article>", "html.parser")
    for loaded in project.maps:
        for url, selector, value, what in expected_text(loaded):
            folder = url.rstrip("/")
            soup = soups.get(f"{folder}/index.md") or soups.get(f"{folder}.md")
            if soup is None or not shown(value, texts(soup, selector)):
                problems.append(f"{what} {normal(value)[:40]!r} not shown in {url} {selector}")
    assert problems == []


def _run(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "maps").mkdir()
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        (root / "maps" / "fuzz.yml").write_bytes(data)
        project = load_project([root / "maps"], base=root)
        _check_messages(project, text if isinstance(text, str) else data.decode("utf-8", "replace"))
        if project.maps:
            assert not project.errors
            _check_pages(project)
        else:
            assert project.errors, "a map that does not build needs an error message"


def examples(count: int) -> settings:
    return settings(max_examples=count, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@examples(80)
@given(data=journey_maps())
def test_random_maps_build_safe_pages_or_give_clean_messages(data):
    _run(_dump(data))


# --- mutations of valid maps --------------------------------------------------------------

BASES = [FULL, (CORPUS / "valid" / "markdown-links.yml").read_text(encoding="utf-8"),
         (CORPUS / "valid" / "pipes-quotes.yml").read_text(encoding="utf-8")]
VALUES = ["[a, b]", "{a: b}", "1", "-3", "~", "''", '""', "|", ">", "*a", "&a x", "!!binary eA==",
          "[", "{", "'open", '"open', "- x", "? x", "<script>alert(1)</script>", "2024-01-01",
          ".inf", "0x1F", "yes", "javascript:alert(1)", "\"\\ud800\"", "\"\\x02\""]
KEYS = ["name", "id", "stages", "persona", "emotion", "link", "<<", "text", "unknown",
        "<img src=x onerror=alert(1)>", "\"a\\nb\"", "? [a]", "lanes", "cx"]


@st.composite
def mutated_maps(draw):
    lines = draw(st.sampled_from(BASES)).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "retype", "insert key", "insert chars",
                                     "truncate"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "retype" and ":" in lines[at]:
            key = lines[at].split(":", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(VALUES))}"
        elif kind == "insert key":
            indent = " " * draw(st.sampled_from([0, 2, 4, 6, 3]))
            lines.insert(at, f"{indent}{draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(VALUES + ['x']))}")
        elif kind == "insert chars":
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(TEXT) + line[cut:]
        elif kind == "truncate":
            text = "\n".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].split("\n")
    return "\n".join(lines)


@examples(250)
@given(text=mutated_maps())
def test_mutated_maps_build_safe_pages_or_give_clean_messages(text):
    _run(text)


@examples(60)
@given(text=mutated_maps(), encoding=st.sampled_from(["utf-8-sig", "latin-1", "utf-16"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_mutated_maps_in_other_encodings_and_newlines(text, encoding, newline):
    _run(text.replace("\n", newline).encode(encoding, "replace"))


# --- a few real builds --------------------------------------------------------------------

@settings(max_examples=3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(maps=st.lists(journey_maps(), min_size=2, max_size=3))
def test_random_maps_in_a_real_site(tmp_path_factory, maps):
    root = tmp_path_factory.mktemp("prop")
    files = {f"m{n}.yml": _dump(data) for n, data in enumerate(maps)}
    config_file = make_site(root, maps=files, config={
        "plugins": ["search", {"cjm": {"on_invalid_map": "warn", "diagrams": False}}]})
    project = load_project([root / "maps"], base=root)
    assume(project.maps)
    built = full_build(config_file, strict=False)
    problems = [p for url, soup in built.pages() for p in page_problems(soup, url)]
    assert problems == []
    for loaded in project.maps:
        heading = built.soup(f"journeys/{loaded.id}/").select_one("article h1")
        assert normal(loaded.map.persona.name) in normal(heading.get_text(" "))


# --- ```cjm blocks in hand-written pages -----------------------------------------------------

OPTION_KEYS = ["show", "persona", "stage", "channel", "owner", "status", "severity", "<<", "x",
               "\"a\\nb\"", "? [a]", "show "]
OPTION_VALUES = ["glance", "touchpoints", "pain-points", "opportunities", "journey", "emotion",
                 "ann", "bob", "no", "01", "awareness", "purchase", "web", "Marketing", "high",
                 "[a, b]", "{a: b}", "", "~", "*a", "&a x", "!!python/object:os.system x",
                 "\"open", "[", "'x'", "\"\\ud800\"", "CJMEMBED1X", "cjmembed00n1x"]


@st.composite
def cjm_blocks(draw, last: bool = False) -> tuple[str, bool]:
    """(Markdown, whether it holds a live block): a block, maybe indented (admonitions), in
    a longer fence or an HTML comment (then never live), or, when `last` on the page, not
    closed (before another block, that block's fence would close it, as in Markdown)."""
    lines = [f"{draw(st.sampled_from(OPTION_KEYS))}: {draw(st.one_of(st.sampled_from(OPTION_VALUES), TEXT))}"
             for _ in range(draw(st.integers(0, 4)))]
    fence = draw(st.sampled_from(["```", "````", "~~~"]))
    info = draw(st.sampled_from(["cjm", "cjm ", "{.cjm}", " cjm"]))
    indent = draw(st.sampled_from(["", "    ", "  "]))
    # One line per option, and nothing that ends the fence or a comment around it early (the
    # block would then end there in Markdown too, and the test would not know it).
    lines = [re.sub(r"[\n\r\x85\u2028\u2029`~]|<!--|-->", " ", line) for line in lines]
    body = "".join(f"{indent}{line}\n" for line in lines)
    block = f"{indent}{fence}{info}\n{body}{indent}{fence}\n"
    wrapper = draw(st.sampled_from(["plain", "comment", "longer fence", "tilde fence"]
                                   + (["unclosed"] if last else [])))
    if wrapper == "comment":
        return f"<!-- example\n\n{block}\n-->\n", False
    if wrapper == "longer fence" and fence == "```":
        return f"````markdown\n{block}````\n", False
    if wrapper == "tilde fence" and fence != "~~~":
        return f"~~~~\n{block}~~~~\n", False
    if wrapper == "unclosed":
        return f"{indent}{fence}{info}\n{body}\nThe end.\n", False
    return block, True


@st.composite
def pages_with_blocks(draw) -> tuple[str, int]:
    """(page, number of live blocks), with hostile text between the blocks."""
    parts, live = ["# Report\n\n"], 0
    count = draw(st.integers(1, 4))
    for number in range(count):
        parts.append(draw(TEXT).replace("`", "'").replace("~", "-").replace("<!--", "<!") + "\n\n")
        block, is_live = draw(cjm_blocks(last=number == count - 1))
        parts.append(block + "\n")
        live += is_live
    return "".join(parts), live


_EMBED_PROJECT: dict = {}


def _embed_renderer():
    """A renderer over two small maps, loaded once (blocks are checked, not maps)."""
    from cjm_plugin.embeds import EmbedRenderer
    from cjm_plugin.pages import PageBuilder

    if not _EMBED_PROJECT:
        folder = Path(tempfile.mkdtemp(prefix="cjm-embeds-"))
        (folder / "maps").mkdir()
        (folder / "maps" / "ann.yml").write_text(
            "persona:\n  name: Ann\nstages:\n  - name: Awareness\n    touchpoints:\n"
            "      - {name: Poster, channel: web, owner: Marketing}\n    pain_points:\n"
            "      - {text: Slow, severity: high}\n", encoding="utf-8")
        (folder / "maps" / "bob.yml").write_text(
            "persona:\n  name: Bob\nstages:\n  - name: Purchase\n    id: '01'\n", encoding="utf-8")
        project = load_project([folder / "maps"], base=folder)
        assert not project.diagnostics
        _EMBED_PROJECT["renderer"] = EmbedRenderer(PageBuilder(project, PageOptions()))
    return _EMBED_PROJECT["renderer"]


@examples(300)
@given(page=pages_with_blocks())
def test_random_cjm_blocks_give_a_view_or_a_placed_one_line_message(page):
    from cjm_plugin.embeds import EmbedError, extract

    text, live = page
    found = extract(text, first_line=3)
    assert len(found.embeds) == live  # never a block in a comment, a longer fence, unclosed
    lines = text.count("\n") + 3
    for placeholder, embed in found.embeds.items():
        assert found.markdown.count(placeholder) == 1
        try:
            kind, content = _embed_renderer().render(embed, "report.md")
            assert kind in ("markdown", "html")
        except EmbedError as error:
            message = str(error)
            line, column = embed.where(error)
            assert 3 <= line <= lines and column >= 1, (line, column, message)
            assert "\n" not in message and "\r" not in message and len(message) < 2000, message
    # The page outside the blocks is left as it was.
    outside = found.pattern.sub("", found.markdown)
    assert all(piece in text for piece in outside.split("\n") if piece.strip())


# --- hand-written pages beside generated paths ----------------------------------------------

NEAR_GENERATED = ["journeys.md", "journeys/index.md", "journeys/README.md", "journeys/ann.md",
                  "journeys/ann/index.md", "journeys/ann/awareness.md", "journeys/ann/awareness/index.md",
                  "journeys/ann/purchase.md", "journeys/stages/awareness.md", "journeys/stages.md",
                  "journeys/touchpoints.md", "journeys/backlog/index.md", "journeys/ann/notes.md",
                  "journeys/notes.md", "journey.md", "journeys/bob/index.md"]


@settings(max_examples=5, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.sampled_from(NEAR_GENERATED), min_size=1, max_size=4, unique=True),
       directory_urls=st.booleans(), blocks=st.lists(pages_with_blocks(), min_size=1, max_size=2))
def test_hand_written_pages_beside_generated_ones_are_never_replaced(
        tmp_path_factory, paths, directory_urls, blocks):
    from mkdocs.structure.files import File

    root = tmp_path_factory.mktemp("beside")
    two = ("persona:\n  name: {name}\nstages:\n  - name: Awareness\n    touchpoints:\n"
           "      - {{name: Poster, channel: web, owner: Marketing}}\n  - name: Purchase\n")
    docs = {"index.md": "# Home\n"}
    for number, path in enumerate(paths):
        page, _ = blocks[number % len(blocks)]
        docs[path] = f"# Written page {number}\n\nHand-written text {number}.\n\n{page}"
    config = make_site(root, maps={"ann.yml": two.format(name="Ann"), "bob.yml": two.format(name="Bob")},
                       docs=docs, config={"use_directory_urls": directory_urls, "plugins": [
                           "search", {"cjm": {"diagrams": False}}]})
    handler = _Collect()
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        built = full_build(config_file=config, strict=False)
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    generated_urls = {File(src, "", "", directory_urls).dest_uri for src in built.plugin.generated}
    dests = [File(path, "", "", directory_urls).dest_uri for path in paths]
    for number, path in enumerate(paths):
        dest = dests[number]
        if dests.count(dest) > 1:  # two hand-written pages at one URL: MkDocs' business
            continue
        html = (built.site / dest).read_text(encoding="utf-8")
        assert f"Hand-written text {number}." in html, (path, dest)  # never replaced
        if dest in generated_urls or any(dest == File(s, "", "", directory_urls).dest_uri
                                         for s in _all_generated(built)):
            assert any(f"docs/{path} is published at" in m for m in handler.messages), (path, handler.messages)
    assert not [m for m in handler.messages if "Traceback" in m or "unexpected error" in m]


def _all_generated(built) -> list[str]:
    return [stored.src for stored in built.plugin.site.files]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_hostile_alphabet_is_covered():
    """The brief's list: each kind of hostile text is among the generated pieces."""
    joined = "".join(HOSTILE)
    for piece in ("<script>", "onerror", "|", '"', "\\", "\n", "](", "![", "{{", "{%", '"]; a -> b [',
                  "{:", "😀", "\u202e", "مرحبا", "\u200b"):
        assert piece in joined, piece


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
