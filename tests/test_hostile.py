"""Issue 8: nothing a map contains may crash a build, inject markup or script into the
site, write outside the site and cache folders, or make a good map disappear silently.

Inputs are the files of tests/corpus/ with their expected outcome in tests/corpus/cases.yml,
plus a few generated here (a file over the size limit, fake `dot` programs).

- invalid files go through `cjm validate` in-process: one message at the expected
  LINE:COL with the expected words, no traceback, bounded time and memory;
- valid files are built together in one strict MkDocs site (Material, real `dot` when
  installed), and every page is parsed: no element or attribute from map text, script
  URLs nowhere, SVG links relative, the map's text shown as text where it belongs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from cjm_plugin.catalog import load_project
from cjm_plugin.cli import main
from cjm_plugin.yaml_source import MAX_FILE_BYTES
from hostile import (expected_text, full_build, markup_problems, normal, page_problems, shown,
                     texts, whole_page_problems)
from sitebuild import MINIMAL_MAP, make_site

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
INVALID: dict[str, dict] = CASES["invalid"]
VALID: dict[str, dict] = CASES["valid"]
REAL_DOT = shutil.which("dot")


def _plugins(**options) -> dict:
    """mkdocs.yml `plugins:` with cjm `options`; without Graphviz, diagrams off, so that a
    strict build does not fail on the "dot is missing" warning."""
    if REAL_DOT is None:
        options.setdefault("diagrams", False)
    return {"plugins": ["search", {"cjm": options}]}


def test_corpus_files_and_cases_match():
    files = {p.relative_to(CORPUS).as_posix() for folder in ("invalid", "valid")
             for p in (CORPUS / folder).iterdir()}
    assert files == set(INVALID) | set(VALID)
    assert len(files) >= 60


# --- invalid input: a message at the right place, never a traceback -----------------------

_LIMITS = ("limit-", "type-stage-emotion-huge")


@contextmanager
def _measured(memory: bool = True):
    """Yields a dict that gets `seconds` and (with `memory`) `peak` bytes allocated."""
    found: dict[str, float] = {}
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        yield found
    finally:
        found["seconds"] = time.perf_counter() - start
        if memory:
            found["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_input_is_reported_at_its_position(name, monkeypatch, capsys):
    monkeypatch.chdir(CORPUS)
    expected = INVALID[name]
    with _measured(memory=name.startswith(_LIMITS)) as cost:  # tracemalloc is slow: limits only
        code = main(["validate", name])
    assert cost["seconds"] < 2 and cost.get("peak", 0) < 64 * 2**20, (name, cost)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 1 and err == ""
    *messages, summary = out.splitlines()
    assert summary.endswith("0 warning(s)") and "error(s)" in summary, summary
    assert messages, "an invalid file needs a message"
    for message in messages:  # one line each, pinned to the file
        assert re.fullmatch(re.escape(name) + r":\d+:\d+: .+", message), message
    where = f"{name}:{expected['at']}: "
    assert any(m.startswith(where) and expected["message"] in m for m in messages), (
        f"expected {where}...{expected['message']}...; got {messages}")


def test_valid_corpus_validates_clean(monkeypatch, capsys):
    monkeypatch.chdir(CORPUS)
    assert main(["validate", "--strict", "valid"]) == 0
    assert capsys.readouterr().out == f"{len(VALID)} map(s) valid\n"


def test_file_over_the_size_limit_is_rejected_without_parsing(tmp_path, monkeypatch, capsys):
    big = tmp_path / "maps" / "big.yml"
    big.parent.mkdir()
    line = "    - " + "<script>alert(1)</script> " * 8 + "\n"
    with big.open("w", encoding="utf-8") as out:
        out.write("persona:\n  name: Big\n  goals:\n")
        while out.tell() <= MAX_FILE_BYTES + 4096:
            out.write(line)
        out.write("stages:\n  - name: A\n")
    monkeypatch.chdir(tmp_path)
    with _measured() as cost:
        code = main(["validate", "maps"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert out.startswith("maps/big.yml:1:1: file is 2") and "over the 2 MiB limit" in out
    assert cost["seconds"] < 1 and cost["peak"] < 32 * 2**20, cost


def test_map_just_under_the_size_limit_loads_quickly(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    item = "      - \"<img src=x onerror=alert(1)> | {{ x }}\"\n"
    head = "persona:\n  name: Large\nstages:\n  - name: A\n    actions:\n"
    count = (MAX_FILE_BYTES - 1024 - len(head)) // len(item)
    (maps / "large.yml").write_text(head + item * count, encoding="utf-8")
    with _measured(memory=False) as cost:
        project = load_project([maps], base=tmp_path)
    assert cost["seconds"] < 10
    assert not project.diagnostics and len(project.maps[0].map.stages[0].actions) == count


# --- valid hostile maps in one real site --------------------------------------------------

@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    # `nav: index` keeps 70 pages from each carrying a 70-entry navigation full of hostile
    # text (3x the build and parse time); the navigation has its own site below.
    config_file = make_site(root, config=_plugins(nav="index"))
    for name in VALID:
        shutil.copyfile(CORPUS / name, root / "maps" / Path(name).name)
    built = full_build(config_file, strict=True)  # strict: hostile text causes no warning either
    built.project = load_project([root / "maps"], base=root)
    assert not built.project.diagnostics
    return built


def test_no_page_content_has_markup_from_maps(corpus_site):
    pages = corpus_site.pages()
    assert len(pages) > 3 * len(VALID)  # every persona and stage page is there
    problems = [p for url, soup in pages for p in page_problems(soup, url)]
    assert problems == []


def test_search_index_has_no_markup_from_maps(corpus_site):
    # Material's search shows `title` and `text` of the index as HTML.
    index = json.loads((corpus_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    problems = []
    for doc in index["docs"]:
        for key in ("title", "text"):
            where, fragment = f"{doc['location']} {key}", BeautifulSoup(doc[key], "html.parser")
            problems += markup_problems(fragment, where)
            problems += [f"{where}: <{e.name}>" for e in fragment.find_all(["img", "svg", "a"])]
    assert problems == []


@pytest.mark.parametrize("name", sorted(VALID))
def test_map_text_is_shown_as_text(corpus_site, name):
    case = VALID[name] or {}
    loaded = next(m for m in corpus_site.project.maps if m.source.path.name == Path(name).name)
    missing = []
    for url, selector, value, what in expected_text(loaded, case.get("verbatim", False)):
        if not shown(value, texts(corpus_site.soup(url), selector)):
            missing.append(f"{what} {normal(value)[:50]!r} not in {url} {selector}")
    persona = corpus_site.soup(f"journeys/{loaded.id}/")
    for value in case.get("text", []):
        if not shown(value, texts(persona, "article")):
            missing.append(f"{value!r} not on the persona page")
    assert missing == []


def test_svg_links_are_relative_and_resolve(corpus_site):
    if REAL_DOT is None:
        pytest.skip("Graphviz `dot` is not installed: no diagrams to check")
    checked = 0
    for page, soup in corpus_site.pages():
        for link in soup.select("article svg a"):
            url = link.get("xlink:href") or link.get("href")
            if url is None:
                continue
            checked += 1
            target = (corpus_site.site / page).parent / unquote(url.split("#")[0])
            assert (target / "index.html").resolve().is_file() or target.resolve().is_file(), (page, url)
    assert checked > len(VALID)  # every journey diagram links its stages


def _without_diagrams(text: str) -> str:
    return re.sub(r'<div class="cjm-diagram">.*?\n</div>\n', "", text, flags=re.DOTALL)


def test_generated_markdown_holds_no_template_syntax(corpus_site):
    # `{{ }}`, `{% %}` and `{# #}` in a page are templates to mkdocs-macros (which runs on
    # every page's Markdown), and `{:` is attr_list: map text must never produce them.
    found = [(src, token) for src, page in corpus_site.plugin.generated.items()
             for token in ("{{", "{%", "{#", "{:") if token in _without_diagrams(page.content)]
    assert found == []


@pytest.mark.skipif(REAL_DOT is None, reason="Graphviz `dot` is not installed: no diagrams")
def test_diagram_svg_in_markdown_holds_no_template_syntax(corpus_site):
    found = [(src, token) for src, page in corpus_site.plugin.generated.items()
             for token in ("{{", "{%", "{#") if token in page.content]
    assert found == []


# --- outside the content: <title>, navigation, every page ---------------------------------

@pytest.fixture(scope="module")
def nav_site(tmp_path_factory):
    """A few hostile maps with the default navigation (every persona and stage listed)."""
    root = tmp_path_factory.mktemp("nav")
    config_file = make_site(root, config=_plugins())
    for name in ("bom.yml", "img-onerror.yml", "html-breakout.yml"):
        shutil.copyfile(CORPUS / "valid" / name, root / "maps" / name)
    return full_build(config_file)


def test_navigation_site_content_is_clean(nav_site):
    assert [p for url, soup in nav_site.pages() for p in page_problems(soup, url)] == []


def test_page_title_cannot_break_out_of_title_element(nav_site):
    head = nav_site.soup("journeys/bom/").find("head")  # persona `Bom </title><script>...`
    assert not [s for s in head.find_all("script") if "alert(" in s.get_text()]
    assert head.find("title").get_text().startswith("Bom </title><script>")


def test_navigation_shows_persona_names_as_text(nav_site):
    soup = nav_site.soup("")  # the hand-written home page carries the nav too
    problems = [p for nav in soup.select("nav") for p in whole_page_problems(nav, "nav")]
    assert problems == []
    assert "<img src=x onerror=alert('X')>" in normal(soup.select_one("nav.md-nav--primary").get_text(" "))


def test_whole_pages_have_no_markup_from_maps(nav_site):
    problems = [p for url, soup in nav_site.pages() for p in whole_page_problems(soup, url)]
    assert problems == []


# --- map views embedded in hand-written pages (```cjm blocks) ------------------------------

EMBEDS = """\
# Report

```cjm
show: glance
persona: script
```

!!! note "Inside an admonition"

    ```cjm
    show: touchpoints
    persona: script
    stage: shared
    ```

```cjm
show: journey
persona: script
```

```cjm
show: pain-points
persona: html-breakout
```

```cjm
show: opportunities
owner: "<script>alert('X')</script>"
```

```cjm
show: touchpoints
persona: "<img src=x onerror=alert('E')>"
```

```cjm
show: "{{ config }} <script>alert('E')</script>"
```
"""


def test_embedded_views_show_map_text_as_text(tmp_path, caplog):
    config_file = make_site(tmp_path, docs={"index.md": "# Home\n", "report.md": EMBEDS},
                            config=_plugins())
    for name in ("script.yml", "html-breakout.yml"):
        shutil.copyfile(CORPUS / "valid" / name, tmp_path / "maps" / name)
    built = full_build(config_file, strict=False)  # the last two blocks are mistakes: warnings
    report = built.soup("report/")
    assert page_problems(report, "report") == []
    cells = texts(report, "article td")
    assert shown("<script>alert('X')</script>", cells)  # names, owners... as text
    assert shown("</td></tr></table></article></div><plaintext>", cells)
    notices = [r.getMessage() for r in caplog.records if "report.md:" in r.getMessage()]
    assert [re.search(r"unknown \w+", n).group(0) for n in notices if "unknown" in n] == [
        "unknown persona", "unknown view"]
    assert all("\n" not in n for n in notices), notices
    assert "Traceback" not in caplog.text


# --- the shared vocabulary is map text too ------------------------------------------------

VOCABULARY = """\
stages:
  - id: look
    name: "Look <script>alert('V')</script> | {{ config }}"
    objective: "<img src=x onerror=alert('V')> [x](javascript:alert('V'))"
    description: "{: onclick=alert('V') } </td></table> ![i](data:text/html,x)"
  - id: buy
    name: "Buy \\u202eevil"
channels:
  - id: web
    name: "Web <svg onload=alert('V')> \\"]; a -> b ["
  - shop
"""


def test_vocabulary_text_is_escaped(tmp_path):
    maps = {"_vocabulary.yml": VOCABULARY}
    for pid in ("ann", "bob"):
        maps[f"{pid}.yml"] = ("persona:\n  name: " + pid + "\nstages:\n  - name: L\n    id: look\n"
                              "    touchpoints:\n      - {name: T, channel: web}\n  - name: B\n    id: buy\n")
    built = full_build(make_site(tmp_path, maps=maps, config=_plugins()))
    assert [p for url, soup in built.pages() for p in page_problems(soup, url)] == []
    shared = built.soup("journeys/stages/look/")
    assert "Look <script>alert('V')</script> | {{ config }}" in shared.select_one("article h1").get_text()
    stage = built.soup("journeys/ann/look/")
    assert shown("Web <svg onload=alert('V')> \"]; a -> b [", texts(stage, "article td"))


# --- a build writes only into site_dir and the cache --------------------------------------

def _snapshot(root: Path, skip: tuple[Path, ...]) -> dict[str, tuple[int, str]]:
    found = {}
    for path in sorted(root.rglob("*")):
        if any(path == s or s in path.parents for s in skip):
            continue
        if path.is_symlink() or path.is_file():
            data = path.read_bytes() if path.is_file() else os.readlink(path).encode()
            found[path.relative_to(root).as_posix()] = (path.lstat().st_mtime_ns, hashlib.sha256(data).hexdigest())
        else:  # a folder's mtime changes when site/ or .cache/ appear in it: not compared
            found[path.relative_to(root).as_posix() + "/"] = (0, "")
    return found


ESCAPING_IDS = {
    "dotdot.yml": "persona:\n  name: Up\n  id: ../../escaped\nstages:\n  - name: A\n",
    "stage-dotdot.yml": "persona:\n  name: Up\nstages:\n  - name: A\n    id: ../../../escaped\n",
    "absolute.yml": "persona:\n  name: Abs\n  id: /tmp/escaped\nstages:\n  - name: A\n",
    "lane-dotdot.yml": "persona:\n  name: L\nlanes:\n  - {id: ../x, name: X}\nstages:\n  - name: A\n",
    "backslash.yml": "persona:\n  name: B\n  id: '..\\\\..\\\\escaped'\nstages:\n  - name: A\n",
}


@pytest.mark.parametrize("on_invalid_map", ["warn", "fail"])
def test_build_writes_only_into_site_and_cache(tmp_path, on_invalid_map, caplog):
    project = tmp_path / "project"
    maps = dict(ESCAPING_IDS)
    for name in ("script.yml", "html-breakout.yml", "links.yml"):
        maps[name] = (CORPUS / "valid" / name).read_text(encoding="utf-8")
    config_file = make_site(project, maps=maps, config=_plugins(on_invalid_map=on_invalid_map))
    site, cache = project / "site", project / ".cache"
    before = _snapshot(tmp_path, skip=(site, cache))
    time.sleep(0.01)  # a rewrite of an unchanged file shows in its mtime
    if on_invalid_map == "fail":
        with pytest.raises(Abort):
            full_build(config_file, strict=False)
    else:
        full_build(config_file, strict=False)
        assert (site / "journeys/script/index.html").is_file()
        for path in site.rglob("*"):
            assert path.resolve().is_relative_to(site.resolve()), path
            assert "escaped" not in path.as_posix(), path
    assert _snapshot(tmp_path, skip=(site, cache)) == before
    assert not Path("/tmp/escaped").exists()
    for path in cache.rglob("*"):  # the diagram cache, and nothing else, in .cache
        assert path.resolve().is_relative_to((cache / "plugin" / "cjm").resolve()) or path.is_dir(), path
    for name in ESCAPING_IDS:  # every escape attempt is rejected with a message
        assert re.search(rf"maps/{re.escape(name)}:\d+:\d+: .*not a safe id", caplog.text), name


# --- one broken map among good ones -------------------------------------------------------

GOOD = {
    "alpha.yml": MINIMAL_MAP.replace("Minimal persona", "Alpha <b>one</b>"),
    "beta.yml": MINIMAL_MAP.replace("Minimal persona", "Beta | two"),
    "gamma.yml": (CORPUS / "valid" / "script.yml").read_text(encoding="utf-8"),
}
BROKEN = {
    "broken.yml": "persona:\n  name: Broken\n  \"<img src=x onerror=alert('B')>\": x\nstages:\n  - name: A\n",
    "broken-yaml.yml": "persona:\n  name: \"<script>alert('B')\nstages:\n  - name: A\n",
}
BROKEN_AT = {
    "maps/broken.yml:3:3: unknown key `<img src=x onerror=alert('B')>`",
    "maps/broken-yaml.yml:2:9: YAML syntax error",
}


def test_broken_map_fails_the_default_build_naming_every_broken_file(tmp_path, caplog):
    config_file = make_site(tmp_path, maps={**GOOD, **BROKEN})
    with pytest.raises(Abort):
        full_build(config_file, strict=False)
    for where in BROKEN_AT:
        assert where in caplog.text
    assert "Traceback" not in caplog.text
    assert not (tmp_path / "site" / "journeys").exists()


def test_warn_builds_every_good_map_and_lists_every_broken_one(tmp_path, caplog):
    config_file = make_site(tmp_path, maps={**GOOD, **BROKEN}, config=_plugins(on_invalid_map="warn"))
    built = full_build(config_file, strict=False)
    index = built.soup("journeys/")
    for name in GOOD:
        pid = Path(name).stem
        assert (built.site / f"journeys/{pid}/index.html").is_file(), name
        assert any(f"{pid}/" in a.get("href", "") for a in index.select("article .cjm-journey-name a")), name
    notice = index.select_one("article .cjm-problems")
    assert notice is not None
    items = [normal(li.get_text(" ")) for li in notice.select("li")]
    for where in BROKEN_AT:
        assert any(item.startswith(where) for item in items), (where, items)
    assert markup_problems(notice, "problems notice") == []
    assert "Traceback" not in caplog.text
    for where in BROKEN_AT:  # the log says it too, not only the page
        assert where in caplog.text
    with pytest.raises(Abort):  # the same site under --strict
        full_build(config_file, strict=True)


@pytest.mark.parametrize("name", ["team/anna.yml", "anna.YML"])
def test_a_map_file_is_never_skipped_silently(tmp_path, name):
    path = tmp_path / "maps" / name
    path.parent.mkdir(parents=True)
    path.write_text(MINIMAL_MAP, encoding="utf-8")
    project = load_project([tmp_path / "maps"], base=tmp_path)
    assert project.maps or any(name in d.file or name in d.message for d in project.diagnostics)


# --- page tags (Material's tags plugin) ---------------------------------------------------

@pytest.fixture(scope="module")
def tags_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("tags")
    owner = "</title><img src=x onerror=alert('T')>"
    maps = {"t.yml": "persona:\n  name: T\nstages:\n  - name: One\n    touchpoints:\n"
                     f"      - {{name: A, owner: \"{owner}\", channel: web}}\n"
                     "  - name: Two\n    touchpoints:\n      - {name: B, owner: \"Team 😀\"}\n"}
    config_file = make_site(root, maps=maps,
                            config={"plugins": ["search", "tags", {"cjm": {"tags": True}}]})
    return full_build(config_file, strict=False)


def test_tags_front_matter_survives_emoji(tags_site):
    article = tags_site.soup("journeys/t/two/").select_one("article")
    assert "tags:" not in article.get_text()


def test_tag_names_are_text(tags_site):
    assert whole_page_problems(tags_site.soup("journeys/t/one/"), "stage page", marker="alert('T')") == []


# --- `dot` failing, hanging, or writing nonsense ------------------------------------------

def _fake_dot(folder: Path, body: str) -> Path:
    """A `dot` first on PATH: answers `-V` like Graphviz, then runs `body` for a render."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "dot"
    script.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then echo "dot - graphviz version 2.43.0 (0)" >&2;'
                      " exit 0; fi\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


HOSTILE_MAP = (CORPUS / "valid" / "html-breakout.yml").read_text(encoding="utf-8")

FAKE_DOTS = {
    # Graphviz quotes the input back in its error messages: map text reaches the log and page.
    "fails echoing its input": ("cat >&2\nexit 1\n", "failed (exit status 1)"),
    "killed": ("kill -9 $$\n", "killed by signal 9"),
    # The child holds the pipes open too: only killing the process group ends the wait.
    "hangs in a child": ("sh -c 'sleep 30' &\nwait\n", "did not finish within 0.5 s"),
    "empty output": ("cat > /dev/null\nexit 0\n", "gave no SVG"),
    "binary output": ("cat > /dev/null\nprintf '\\377\\376<svg\\000'\nexit 0\n", None),
    "broken svg": ("cat > /dev/null\necho '<svg'\nexit 0\n", None),
}


def _diagram_build(tmp_path: Path, monkeypatch, body: str, strict: bool = False):
    folder = _fake_dot(tmp_path / "bin", body)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    config_file = make_site(tmp_path / "site", maps={"h.yml": HOSTILE_MAP},
                            config={"plugins": ["search", {"cjm": {"dot_timeout": 0.5}}]})
    return full_build(config_file, strict=strict)


@pytest.mark.parametrize("kind", [k for k in FAKE_DOTS if k not in ("binary output", "broken svg")])
def test_failing_dot_is_reported_against_the_map_without_markup(tmp_path, monkeypatch, caplog, kind):
    body, expected = FAKE_DOTS[kind]
    with _measured(memory=False) as cost:
        built = _diagram_build(tmp_path, monkeypatch, body)
    assert cost["seconds"] < 20  # each hanging render is stopped after 0.5 s
    messages = [r.getMessage() for r in caplog.records if r.getMessage().startswith("maps/h.yml:")]
    assert messages and all(expected in m for m in messages), messages
    assert all("\n" not in m for m in messages)
    assert "Traceback" not in caplog.text
    page = built.soup("journeys/h/")
    assert page_problems(page, kind) == []
    notice = page.select_one("article .cjm-diagram-missing")
    assert notice is not None and expected in notice.get_text()


@pytest.mark.parametrize("kind", ["binary output", "broken svg"])
def test_dot_writing_nonsense_is_reported_not_raised(tmp_path, monkeypatch, caplog, kind):
    body, _ = FAKE_DOTS[kind]
    _diagram_build(tmp_path, monkeypatch, body)
    messages = [r.getMessage() for r in caplog.records if r.getMessage().startswith("maps/h.yml:")]
    assert messages


def test_failing_dot_fails_a_strict_build(tmp_path, monkeypatch, caplog):
    with pytest.raises(Abort):
        _diagram_build(tmp_path, monkeypatch, FAKE_DOTS["fails echoing its input"][0], strict=True)
    assert "maps/h.yml:1:1: the journey diagram could not be drawn" in caplog.text
    assert "Traceback" not in caplog.text


# --- the core fixes this issue made, pinned -----------------------------------------------

@pytest.mark.parametrize("link", [
    "jav&#x61;script:alert(1)", "javascript&colon;alert(1)", "&#106;avascript:alert(1)",
    "java&Tab;script:alert(1)", "jav&#x61script:alert(1)", "&#x64;ata:text/html,x",
])
def test_entity_encoded_script_links_lose_their_href(link):
    from cjm_plugin.text import MarkdownRenderer

    html = MarkdownRenderer().inline(f"[x]({link}) ![i]({link})")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("a").get("href") is None and soup.find("img") is None, html


def test_markdown_fragments_keep_line_breaks_and_code():
    from cjm_plugin.text import MarkdownRenderer

    renderer = MarkdownRenderer()
    assert BeautifulSoup(renderer.block("Line one\nline two"), "html.parser").get_text() == "Line one line two"
    code = BeautifulSoup(renderer.block("    first\n      second"), "html.parser").find("code")
    assert code.get_text() == "first\n  second\n"
    assert "\n" not in renderer.block("a\n\n    b\n    c\n\nd")  # one line of the page
    inline = BeautifulSoup(renderer.inline("one\n\ntwo"), "html.parser")
    assert inline.find("p") is None and inline.get_text(" ") == "one two"


def test_attribute_values_cannot_pair_with_markdown_outside_the_tag():
    from cjm_plugin.text import MarkdownRenderer

    cell = MarkdownRenderer().inline('[a](http://e.org/{{x}} "[t`|")')
    row = f"| h | k |\n| - | - |\n| {cell} | [P](p.md) ` |\n"
    soup = BeautifulSoup(markdown.markdown(row, extensions=["tables"]), "html.parser")
    assert [td.get_text() for td in soup.select("td")] == ["a", "P `"]
    assert soup.select_one("td a")["title"] == "[t`|" and "{{" not in cell


def test_lone_surrogate_with_the_pure_python_parser(tmp_path, monkeypatch):
    from cjm_plugin import yaml_source

    monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)  # as without libyaml
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "s.yml").write_text('persona:\n  name: "\\ud800"\nstages:\n  - name: A\n', encoding="utf-8")
    messages = [str(d) for d in load_project([maps], base=tmp_path).diagnostics]
    assert len(messages) == 1 and messages[0].startswith("maps/s.yml:2:9: invalid character escape")


def test_long_keys_and_ids_are_shortened_in_messages(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    long = "x" * 5000
    (maps / "k.yml").write_text(f"persona:\n  name: A\n  {long}: 1\n  id: '{long}/'\nstages:\n  - name: A\n",
                                encoding="utf-8")
    messages = [str(d) for d in load_project([maps], base=tmp_path).diagnostics]
    assert messages and all(len(m) < 400 for m in messages), [len(m) for m in messages]
