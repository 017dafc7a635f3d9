"""Property-based tests (Hypothesis): random maps full of hostile text, and random
mutations of valid maps, either give clean `maps/FILE:LINE:COL: message` lines or build
pages whose HTML holds nothing that came from map text.

Pages come from `build_pages` (no diagrams, no MkDocs: cheap) and are rendered with the
Markdown extensions a site would enable; one test runs a few real MkDocs builds.
"""

from __future__ import annotations

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
                    "span", "div", "img"}
TEMPLATE_CLASSES = {"admonition", "failure", "admonition-title"}
# The journey canvas (canvas.py) writes these itself; map text reaches only `aria-label` and
# `title`, and ids (slugs) the `data-cjm-*` attributes.
CANVAS_SVG = {"svg", "line", "polyline"}
CANVAS_ATTRIBUTES = {"role", "tabindex", "aria-label", "aria-hidden", "focusable", "viewbox",
                     "preserveaspectratio", "points", "x1", "y1", "x2", "y2", "vector-effect",
                     "data-search-exclude"}
CANVAS_DATA = re.compile(r"data-cjm-(canvas|stage|stages|lane|point|line)")
CANVAS_STYLE = re.compile(r"(?:(?:--cjm-[a-z]+|grid-column):\d+;?)+")


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
        in_curve = element.name in CANVAS_SVG and element.find_parent(class_="cjm-curve") is not None
        if element.name not in ALLOWED_ELEMENTS and not in_curve:
            found.append(f"{src}: <{element.name}> element")
        for attribute, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if attribute == "class":
                found += [f"{src}: class {c!r}" for c in value.split()
                          if not c.startswith("cjm-") and c not in TEMPLATE_CLASSES]
            elif attribute == "style":
                if not re.fullmatch(r"text-align: (left|right|center);", value) and \
                        not CANVAS_STYLE.fullmatch(value):
                    found.append(f"{src}: style={value!r}")
            elif attribute in ("href", "src"):
                if url_scheme(value) not in ("", "http", "https", "mailto"):
                    found.append(f"{src}: {attribute}={value!r}")
            elif CANVAS_DATA.fullmatch(attribute):
                if not re.fullmatch(r"[a-z0-9-]+", value):
                    found.append(f"{src}: {attribute}={value!r}")
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


def test_hostile_alphabet_is_covered():
    """The brief's list: each kind of hostile text is among the generated pieces."""
    joined = "".join(HOSTILE)
    for piece in ("<script>", "onerror", "|", '"', "\\", "\n", "](", "![", "{{", "{%", '"]; a -> b [',
                  "{:", "😀", "\u202e", "مرحبا", "\u200b"):
        assert piece in joined, piece


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
