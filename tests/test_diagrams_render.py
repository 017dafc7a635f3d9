"""The renderer: real `dot`, a disk cache, parallel renders, failures as results, inline SVG.

Tests put a wrapper script named `dot` first on PATH: it logs every call and then runs
the real `dot` (or fails, or hangs), so we can count processes without mocking.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from cjm_plugin.diagrams import (
    INSTALL_MESSAGE,
    Renderer,
    RenderRequest,
    find_dot,
    html_block,
    inline_svg,
)

REAL_DOT = shutil.which("dot")
pytestmark = [
    pytest.mark.skipif(REAL_DOT is None, reason="needs Graphviz `dot`"),
    pytest.mark.skipif(os.name != "posix", reason="wrapper scripts are POSIX shell"),
]
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def graph(n: int, extra: str = "") -> str:
    return (f'digraph "Graph {n}" {{ a{n} [id="a" URL="../page-{n}/" tooltip="node {n}"]; '
            f'a{n} -> b{n}; {extra} }}\n')


@pytest.fixture
def wrapper(tmp_path, monkeypatch):
    """make(body) -> log file: a `dot` first on PATH that logs its arguments, then runs body."""

    def make(body: str | None = None) -> Path:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        log = folder / "calls.log"
        log.write_text("")
        script = folder / "dot"
        script.write_text(
            "#!/bin/sh\n"
            f'echo "$*" >> "{log}"\n'
            + (body if body is not None else f'exec "{REAL_DOT}" "$@"\n')
        )
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        return log

    return make


def renders(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if "-Tsvg" in line]


# --- the cache -----------------------------------------------------------------------------


def test_cold_warm_and_one_changed(tmp_path, wrapper):
    log = wrapper()
    dots = {f"map{n}": graph(n) for n in range(5)}

    cold = Renderer(tmp_path / "cache")
    results = cold.render_all(dots.items())
    assert list(results) == list(dots)
    assert all(r.error is None and "<svg" in r.svg and not r.cached for r in results.values())
    assert cold.runs == 5 and len(renders(log)) == 5

    log.write_text("")
    warm = Renderer(tmp_path / "cache")
    again = warm.render_all(dots.items())
    assert warm.runs == 0 and log.read_text() == ""  # not even `dot -V`
    assert {k: r.svg for k, r in again.items()} == {k: r.svg for k, r in results.items()}
    assert all(r.cached for r in again.values())

    dots["map3"] = graph(3, extra="c3;")
    edited = Renderer(tmp_path / "cache")
    changed = edited.render_all(dots.items())
    assert edited.runs == 1 and len(renders(log)) == 1
    assert not changed["map3"].cached and "c3" in changed["map3"].svg
    assert [k for k, r in changed.items() if r.cached] == ["map0", "map1", "map2", "map4"]


def test_same_source_twice_renders_once(tmp_path, wrapper):
    log = wrapper()
    renderer = Renderer(tmp_path / "cache")
    results = renderer.render_all([("one", graph(1)), ("two", graph(1)), ("three", graph(1), "neato")])
    assert renderer.runs == 2 and len(renders(log)) == 2  # the engine is part of the key
    assert results["one"].svg == results["two"].svg


def test_another_graphviz_version_renders_again(tmp_path, wrapper):
    dots = [(f"m{n}", graph(n)) for n in range(3)]
    wrapper()
    Renderer(tmp_path / "cache").render_all(dots)
    log = wrapper(
        'if [ "$1" = "-V" ]; then echo "dot - graphviz version 99.0.0 (0)" >&2; exit 0; fi\n'
        f'exec "{REAL_DOT}" "$@"\n'
    )
    renderer = Renderer(tmp_path / "cache")
    renderer.render_all(dots)
    assert log.read_text().splitlines()[0] == "-V"
    assert renderer.runs == 3 and len(renders(log)) == 3


def test_cache_files_are_complete_and_prunable(tmp_path, wrapper):
    wrapper()
    renderer = Renderer(tmp_path / "cache")
    renderer.render_all([("a", graph(1)), ("b", graph(2))])
    files = sorted((tmp_path / "cache").glob("*.svg"))
    assert len(files) == 2 and not list((tmp_path / "cache").glob(".tmp-*"))
    for path in files:
        ET.fromstring(path.read_text("utf-8"))
        assert path.stem == re.sub(r"[^0-9a-f]", "", path.stem) and len(path.stem) == 64
    later = Renderer(tmp_path / "cache")
    later.render_all([("a", graph(1))])
    assert later.prune() == 1
    assert len(list((tmp_path / "cache").glob("*.svg"))) == 1


def test_renders_run_in_parallel(tmp_path, wrapper):
    # Each render sleeps 0.4 s before running dot: 6 of them one at a time would take 2.4 s.
    wrapper(f'sleep 0.4\nexec "{REAL_DOT}" "$@"\n')
    renderer = Renderer(tmp_path / "cache", jobs=6)
    renderer.version()
    start = time.monotonic()
    results = renderer.render_all((f"m{n}", graph(n)) for n in range(6))
    elapsed = time.monotonic() - start
    assert all(r.svg for r in results.values())
    assert elapsed < 1.6, elapsed


# --- failures --------------------------------------------------------------------------------


def test_dot_that_fails_gives_an_error_result(tmp_path, wrapper):
    wrapper(
        'if [ "$1" = "-V" ]; then exec "' + REAL_DOT + '" -V; fi\n'
        'echo "Error: <stdin>: syntax error in line 3 near \'->\'" >&2\nexit 1\n'
    )
    renderer = Renderer(tmp_path / "cache")
    results = renderer.render_all([("a", graph(1)), ("b", graph(2))])
    for result in results.values():
        assert result.svg is None
        assert "failed (exit status 1)" in result.error
        assert "syntax error in line 3" in result.error
    assert not list((tmp_path / "cache").glob("*.svg"))  # failures are not cached


def test_real_dot_syntax_error_is_reported(tmp_path):
    result = Renderer(tmp_path / "cache").render("digraph { a -> }")
    assert result.svg is None and "syntax error" in result.error


def _alive(pgid: int) -> list[str]:
    """Processes of a group that still run (zombies waiting for init don't count)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(stat.parent.name)
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_dot_that_hangs_is_stopped_with_its_children(tmp_path, wrapper):
    pid_file = tmp_path / "pid"
    wrapper(
        'if [ "$1" = "-V" ]; then exec "' + REAL_DOT + '" -V; fi\n'
        f'echo $$ > "{pid_file}"\nsleep 30\n'
    )
    # 2 s, not less: on a loaded machine the wrapper must get to write its pid first.
    # Stopped well before `sleep 30` ends is what shows the timeout worked.
    renderer = Renderer(tmp_path / "cache", timeout=2)
    start = time.monotonic()
    results = renderer.render_all([("slow", graph(1)), ("slower", graph(2))])
    assert time.monotonic() - start < 20
    for result in results.values():
        assert result.svg is None and "did not finish within 2 s" in result.error
    assert _alive(int(pid_file.read_text())) == []  # the wrapper and its `sleep` are gone


def test_missing_dot_gives_the_install_message(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    version, message = find_dot()
    assert version is None and message == INSTALL_MESSAGE
    for command in ("apt-get install graphviz", "brew install graphviz",
                    "choco install graphviz", "conda install graphviz"):
        assert command in message
    results = Renderer(tmp_path / "cache").render_all([("a", graph(1)), ("b", graph(2))])
    assert [r.error for r in results.values()] == [INSTALL_MESSAGE, INSTALL_MESSAGE]


def test_dot_that_cannot_tell_its_version(tmp_path, wrapper):
    wrapper('echo "libgvc.so.6: cannot open shared object file" >&2\nexit 127\n')
    version, message = find_dot()
    assert version is None
    assert "exit status 127" in message and "libgvc.so.6" in message
    result = Renderer(tmp_path / "cache").render(graph(1))
    assert result.error == message


def test_find_dot_reports_the_version():
    version, message = find_dot()
    assert version and "graphviz version" in version and REAL_DOT in message


def test_unknown_engine_is_an_error(tmp_path):
    assert "unknown Graphviz layout engine" in Renderer(tmp_path / "c").render(graph(1), "x; rm").error


# --- inline SVG --------------------------------------------------------------------------------


GRADIENT = """digraph "Gradients & <links>" {
  a [id="a" style=filled fillcolor="red:blue" URL="../a/#top" tooltip="A"]
  b [id="b" style=filled fillcolor="yellow:green" gradientangle=90]
  a -> b [id="e1"]
}
"""


def test_inline_svg_prefixes_ids_and_references(tmp_path):
    result = Renderer(tmp_path / "cache").render(GRADIENT)
    raw = result.svg
    assert "url(#" in raw  # the gradients are referenced by id
    svg = inline_svg(raw, "p1-")
    root = ET.fromstring(svg)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert ids and all(i.startswith("p1-") for i in ids)
    for ref in re.findall(r"url\(#([^)]*)\)", svg):
        assert ref in ids
    assert root.find(f"{SVG}g/{SVG}g/{SVG}g/{SVG}a").get(f"{XLINK}href") == "../a/#top"
    other = ET.fromstring(inline_svg(raw, "p2-"))
    assert not set(ids) & {el.get("id") for el in other.iter() if el.get("id")}


def test_inline_svg_is_ready_for_a_markdown_page(tmp_path):
    raw = Renderer(tmp_path / "cache").render(GRADIENT).svg
    assert raw.startswith("<?xml") and "<!DOCTYPE" in raw and "<!--" in raw
    svg = inline_svg(raw, "g-")
    assert svg.startswith("<svg ") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<!--" not in svg
    assert all(line.strip() for line in svg.splitlines())  # no blank line ends the HTML block
    root = ET.fromstring(svg)
    title = root[0]
    assert title.tag == f"{SVG}title" and title.text == "Gradients & <links>"
    assert root.get("aria-labelledby") == title.get("id") == "g-title"
    assert root.get("role") == "group"
    # Fits its column with CSS: the viewBox stays, no forced minimum; the natural size is
    # kept for the "Full size" control.
    width = float(root.get("viewBox").split()[2])
    style = dict(part.split(":") for part in root.get("style").split(";"))
    assert style["max-width"] == "100%" and style["height"] == "auto" and "min-width" not in style
    assert float(style["--cjm-natural-width"].removesuffix("px")) == pytest.approx(width, abs=0.1)
    assert float(root.get("width")) == pytest.approx(width, abs=0.1)
    assert "pt" not in root.get("width") + root.get("height")
    # Edges say nothing useful to a screen reader; their "a->b" titles are gone.
    edge = next(g for g in root.iter(f"{SVG}g") if "edge" in (g.get("class") or ""))
    assert edge.find(f"{SVG}title") is None


def test_inline_svg_without_links_is_an_image(tmp_path):
    raw = Renderer(tmp_path / "cache").render('digraph "Plain" { a -> b }').svg
    root = ET.fromstring(inline_svg(raw, "x-", title="A <plain> graph"))
    assert root.get("role") == "img" and root[0].text == "A <plain> graph"


def test_inline_svg_rejects_an_unsafe_prefix():
    with pytest.raises(ValueError):
        inline_svg("<svg></svg>", 'x" onload="alert(1)')


def test_request_with_prefix_returns_inline_svg(tmp_path):
    results = Renderer(tmp_path / "cache").render_all([RenderRequest("k", GRADIENT, id_prefix="k-")])
    assert results["k"].svg.startswith("<svg ") and 'id="k-title"' in results["k"].svg


def test_html_block_passes_through_markdown_untouched(tmp_path):
    dot = ('digraph "Stars *and* _underscores_" { a [label="*not em* _nor this_ `code` [x](y)"'
           ' URL="../a_b/*c*/" tooltip="<b>*"] }')
    svg = inline_svg(Renderer(tmp_path / "cache").render(dot).svg, "m-")
    block = html_block(svg, "m-")
    page = f"# Title\n\nBefore.\n\n{block}\nAfter *this*.\n"
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html", "tables"])
    assert block.strip() in html  # byte for byte: no <p>, <em> or <code> inside
    assert "<p>After <em>this</em>.</p>" in html
    root = ET.fromstring(block)
    assert root.get("tabindex") == "0" and root.get("aria-labelledby") == "m-title"
    assert root[0].get("aria-labelledby") == "m-title"
