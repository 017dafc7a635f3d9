"""DOT -> SVG with the real Graphviz `dot`, cached on disk, several renders at once.

The cache key is a hash of everything that changes the output: the DOT source,
the layout engine, the command-line options and the Graphviz version. A rebuild
with nothing changed starts no process at all (the version is remembered per
`dot` executable, keyed by its path, size and modification time); editing one
map re-renders only that map's diagrams.

One bad diagram never stops a build: a `dot` that fails, hangs or is missing
gives a `RenderResult` with an `error` message, and the caller attaches the
map's file name. Like `sphinx.ext.graphviz`, we feed the DOT source on stdin,
name output by a content hash, and report `dot`'s own stderr on failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..progress import Step
from ..safe_io import read_limited
from .text import xml_escape

MAX_CACHED_SVG = 256 * 2**20

CACHE_FORMAT = 1  # bump when the cached files change meaning
ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage", "patchwork")

INSTALL_MESSAGE = (
    "Graphviz `dot` was not found on PATH; cjm needs it to draw journey diagrams."
    " Install Graphviz: `apt-get install graphviz` (Debian, Ubuntu),"
    " `brew install graphviz` (macOS), `choco install graphviz` (Windows)"
    " or `conda install graphviz` (conda), then check that `dot -V` works."
)


@dataclass(frozen=True)
class RenderRequest:
    """One diagram to draw: `key` names it in the results (for example `anna/journey`).

    With `id_prefix`, the result is ready to inline in a page (see `inline_svg`).
    """

    key: str
    dot: str
    engine: str = "dot"
    id_prefix: str | None = None
    min_scale: float | None = None  # see `inline_svg`


@dataclass(frozen=True)
class RenderResult:
    """The SVG, or why there is none. `warning` holds what `dot` printed on success."""

    svg: str | None = None
    error: str | None = None
    warning: str | None = None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.svg is not None


def _dot_executable(executable: str = "dot") -> str | None:
    return shutil.which(executable)


def _run(args: list[str], data: bytes, timeout: float) -> tuple[int, bytes, bytes]:
    """Run `args` with `data` on stdin; on timeout kill it and everything it started.

    The process gets its own process group, so a wrapper script's children die with
    it, and it is always waited for: no zombie, no orphan holding the pipes open.
    """
    popen_args: dict = {}
    if os.name == "posix":
        popen_args["start_new_session"] = True
    elif sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        popen_args["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    with subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen_args
    ) as process:
        try:
            out, err = process.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            process.communicate()
            raise
        except BaseException:
            _kill(process)
            raise
        return process.returncode, out, err


def _kill(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def find_dot(executable: str = "dot", timeout: float = 10.0) -> tuple[str | None, str]:
    """(Graphviz version line, message): version None means diagrams can't be drawn.

    The message is the install instruction when `dot` is missing, or what went
    wrong when it is there but does not run.
    """
    path = _dot_executable(executable)
    if path is None:
        return None, INSTALL_MESSAGE
    try:
        code, out, err = _run([path, "-V"], b"", timeout)
    except subprocess.TimeoutExpired:
        return None, f"`{path} -V` did not answer within {timeout:g} s; check the Graphviz install"
    except OSError as error:
        return None, f"cannot run `{path}`: {error.strerror or error}; check the Graphviz install"
    text = (err or out).decode("utf-8", "replace").strip()
    if code != 0 or "graphviz" not in text.lower():
        detail = f": {_first_lines(text)}" if text else ""
        return None, f"`{path} -V` failed (exit status {code}){detail}; check the Graphviz install"
    return text, f"found {text} at {path}"


def _first_lines(text: str, count: int = 8) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    more = f" (and {len(lines) - count} more lines)" if len(lines) > count else ""
    return " | ".join(lines[:count]) + more


class Renderer:
    """Renders DOT to SVG with `dot`, caching SVGs in `cache_dir`.

    `runs` counts the `dot` processes started for renders (not version checks).
    """

    def __init__(self, cache_dir: Path, timeout: float = 30.0, jobs: int | None = None,
                 executable: str = "dot"):
        self.cache_dir = Path(cache_dir)
        self.timeout = timeout
        self.jobs = jobs or os.cpu_count() or 2
        self.executable = executable
        self.runs = 0
        self.used: set[Path] = set()
        self._lock = threading.Lock()
        self._version: tuple[str | None, str] | None = None
        self._path: str | None = None

    # -- Graphviz version, remembered per executable -----------------------------------

    def version(self) -> tuple[str | None, str]:
        """`find_dot` for this renderer, without a process when the executable is unchanged."""
        if self._version is not None:
            return self._version
        path = _dot_executable(self.executable)
        self._path = path
        if path is None:
            self._version = (None, INSTALL_MESSAGE)
            return self._version
        stamp = self._stamp(path)
        memo = self.cache_dir / "graphviz-version.json"
        try:
            known = json.loads(read_limited(memo, 4096, follow_links=False))
            if known.get("stamp") == stamp and known.get("version"):
                self._version = (known["version"], f"found {known['version']} at {path}")
                return self._version
        except (OSError, ValueError, AttributeError):
            pass
        self._version = find_dot(path, self.timeout)
        if self._version[0] is not None:
            self._write(memo, json.dumps({"stamp": stamp, "version": self._version[0]},
                                         sort_keys=True, indent=1))
        return self._version

    @staticmethod
    def _stamp(path: str) -> list:
        real = os.path.realpath(path)
        info = os.stat(real)
        return [real, info.st_size, info.st_mtime_ns]

    # -- the cache -----------------------------------------------------------------------

    def _options(self, engine: str) -> list[str]:
        return [f"-K{engine}", "-Tsvg"]

    def cache_key(self, dot: str, engine: str = "dot") -> str:
        version = self.version()[0] or ""
        payload = json.dumps(
            {"format": CACHE_FORMAT, "dot": dot, "engine": engine,
             "options": self._options(engine), "graphviz": version},
            sort_keys=True, ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _cache_file(self, key: str) -> Path:
        return self.cache_dir / f"{key}.svg"

    def _write(self, path: Path, text: str) -> None:
        """Write atomically: a reader sees the old file or the new one, never half of one."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                    stream.write(text)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a cache we cannot write only costs time on the next build

    def prune(self) -> int:
        """Delete cached SVGs this renderer did not use; returns how many."""
        removed = 0
        if not self.cache_dir.is_dir():
            return 0
        for path in sorted(self.cache_dir.glob("*.svg")):
            if path not in self.used:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed

    # -- rendering -----------------------------------------------------------------------

    def render(self, dot: str, engine: str = "dot") -> RenderResult:
        """One diagram: from the cache, or by running `dot` (never raises for bad input)."""
        if engine not in ENGINES:
            return RenderResult(error=f"unknown Graphviz layout engine `{engine}`;"
                                f" use one of {', '.join(ENGINES)}")
        version, message = self.version()
        if version is None:
            return RenderResult(error=message)
        cache_file = self._cache_file(self.cache_key(dot, engine))
        with self._lock:
            self.used.add(cache_file)
        try:  # never through a link: the cache may come from elsewhere (CI)
            svg = read_limited(cache_file, MAX_CACHED_SVG, follow_links=False).decode("utf-8")
            return RenderResult(svg=svg, cached=True)
        except (OSError, UnicodeDecodeError):
            pass
        with self._lock:
            self.runs += 1
        args = [self._path or self.executable, *self._options(engine)]
        try:
            code, out, err = _run(args, dot.encode("utf-8"), self.timeout)
        except subprocess.TimeoutExpired:
            return RenderResult(error=f"Graphviz `dot` did not finish within {self.timeout:g} s"
                                " and was stopped; the diagram may be too large")
        except OSError as error:
            return RenderResult(error=f"cannot run Graphviz `dot`: {error.strerror or error}")
        stderr = err.decode("utf-8", "replace").strip()
        if code != 0:
            how = f"was killed by signal {-code}" if code < 0 else f"failed (exit status {code})"
            detail = f": {_first_lines(stderr)}" if stderr else ""
            return RenderResult(error=f"Graphviz `dot` {how}{detail}")
        svg = out.decode("utf-8", "replace")
        # Only a whole SVG document is cached: a truncated one would fail every later build.
        if not (_SVG_OPEN.search(svg) and svg.rstrip().endswith("</svg>")):
            detail = f": {_first_lines(stderr)}" if stderr else ""
            return RenderResult(error=f"Graphviz `dot` gave no SVG{detail}")
        self._write(cache_file, svg)
        return RenderResult(svg=svg, warning=_first_lines(stderr) if stderr else None)

    def render_all(
        self, requests: Iterable[RenderRequest | tuple[str, str] | tuple[str, str, str]],
        step: Step | None = None,
    ) -> dict[str, RenderResult]:
        """Render every request, several at once; results keyed and ordered like the requests.

        A request is a `RenderRequest` or a `(key, dot source[, engine])` tuple.
        Identical sources are rendered once. `step` (progress) advances per diagram drawn.
        """
        wanted = [r if isinstance(r, RenderRequest) else RenderRequest(*r) for r in requests]
        self.version()  # once, before the threads start
        unique = list(dict.fromkeys((r.dot, r.engine) for r in wanted))

        def render(job: tuple[str, str]) -> RenderResult:
            result = self.render(*job)
            if step is not None:
                step.advance()
            return result

        if len(unique) <= 1 or self.jobs == 1:
            done = {job: render(job) for job in unique}
        else:
            with ThreadPoolExecutor(max_workers=min(self.jobs, len(unique))) as pool:
                done = dict(zip(unique, pool.map(render, unique)))
        return {request.key: _for_request(request, done[(request.dot, request.engine)]) for request in wanted}


def _for_request(request: RenderRequest, result: RenderResult) -> RenderResult:
    """`result` as `request` wants it: inlined with its id prefix, if it has one."""
    if result.svg is None or request.id_prefix is None:
        return result
    return RenderResult(svg=inline_svg(result.svg, request.id_prefix, min_scale=request.min_scale),
                        warning=result.warning,
                        cached=result.cached)


# --- SVG for inline use in a page ---------------------------------------------------------

_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
# Patterns that start with a literal scan a 27 MB site's SVG many times faster than ones
# that start with `\s` or `(xlink:)?`: whitespace before `id=` is checked in Python, and
# `href="#` also matches the end of `xlink:href="#`.
_ID = re.compile(r'(id=")([^"]*)(")')
_URL_REF = re.compile(r"(url\(#)([^)]*)(\))")
_HREF_REF = re.compile(r'(href="#)([^"]*)(")')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_ATTR = re.compile(r'\s([\w:-]+)="([^"]*)"')
_GRAPH_TITLE = re.compile(r'(<g id="[^"]*" class="graph[^"]*"[^>]*>)\s*<title>(.*?)</title>', re.DOTALL)
# Graphviz names every node, cluster and edge in a `<title>`: internal names ("cluster_stage_1",
# "Stage 1, touchpoint 2: …", "a->b") that browsers show on hover and that a search index
# without Material's `data-search-exclude` (MkDocs' own theme, other engines) would take in.
# A node's tooltip is on its link (`xlink:title`), so nothing a reader needs goes.
_PART_TITLE = re.compile(r'(<g id="[^"]*" class="(?:edge|node|cluster)[^"]*">)\s*<title>.*?</title>', re.DOTALL)
_PREFIX_OK = re.compile(r"^[A-Za-z][\w.-]*$")


def inline_svg(svg: str, id_prefix: str, title: str | None = None, min_scale: float | None = None) -> str:
    """Graphviz SVG -> markup to paste into an HTML page.

    - no XML declaration, DOCTYPE or comments, no blank lines (Markdown ends a raw
      HTML block at a blank line);
    - every `id` and each `#id` / `url(#id)` reference to it starts with `id_prefix`,
      so several diagrams on one page never clash;
    - a `<title>` first (the graph's name unless `title` is given), named by
      `aria-labelledby`; `role="img"` for a picture without links, `role="group"`
      when it has links (a role="img" hides its links from screen readers);
    - it fits its column: the viewBox stays, the size in pt becomes its natural size in
      px, shown at most 100% wide; with `min_scale`, never under that share of its natural
      size (it scrolls sideways instead). A reader opens it full size with the page's
      control (`--cjm-natural-width` in assets.py).
    """
    if not _PREFIX_OK.match(id_prefix):
        raise ValueError(f"id prefix {id_prefix!r} must start with a letter and use [A-Za-z0-9_.-]")
    svg = _PROLOGUE.sub("", svg).replace("&#45;", "-")

    ids = {match.group(2) for match in _ID.finditer(svg) if _is_attribute(match)}
    svg = _ID.sub(lambda m: f"{m.group(1)}{id_prefix}{m.group(2)}{m.group(3)}" if _is_attribute(m)
                  else m.group(0), svg)

    def reference(match: re.Match) -> str:
        target = match.group(2)
        return f"{match.group(1)}{id_prefix if target in ids else ''}{target}{match.group(3)}"

    svg = _URL_REF.sub(reference, svg)
    svg = _HREF_REF.sub(reference, svg)

    found = _GRAPH_TITLE.search(svg)
    graph_title = found.group(2) if found else ""
    svg = _GRAPH_TITLE.sub(lambda m: m.group(1), svg, count=1)
    svg = _PART_TITLE.sub(lambda m: m.group(1), svg)
    label = xml_escape(title) if title is not None else graph_title

    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise ValueError("not an SVG document")
    attrs = dict(_ATTR.findall(opening.group(0)))
    box = [float(v) for v in attrs.get("viewBox", "0 0 0 0").split()]
    width, height = (box[2], box[3]) if len(box) == 4 else (0.0, 0.0)
    role = "group" if re.search(r'href="(?!#)', svg) else "img"
    kind = re.search(r'class="graph ([^"]*)"', svg)
    new_attrs = {
        "width": f"{width:g}",
        "height": f"{height:g}",
        "viewBox": attrs.get("viewBox"),
        "xmlns": attrs.get("xmlns", "http://www.w3.org/2000/svg"),
        "xmlns:xlink": attrs.get("xmlns:xlink", "http://www.w3.org/1999/xlink"),
        "class": "cjm-diagram" + (f" {kind.group(1)}" if kind else ""),
        "role": role,
        "aria-labelledby": f"{id_prefix}title",
        "style": f"max-width:100%;height:auto;--cjm-natural-width:{width:g}px"
                 + (f";min-width:{width * min_scale:.0f}px" if min_scale else ""),
    }
    head = "<svg " + " ".join(f'{k}="{v}"' for k, v in new_attrs.items() if v is not None) + ">"
    head += f'\n<title id="{id_prefix}title">{label}</title>'
    svg = svg[: opening.start()] + head + svg[opening.end():]
    lines = [line.rstrip() for line in svg.splitlines()]
    # The SVG lands in a Markdown page: map text must not reach a macros plugin as `{{ }}`.
    svg = "\n".join(line for line in lines if line.strip()) + "\n"
    return svg.replace("{", "&#123;").replace("}", "&#125;")


def _is_attribute(match: re.Match) -> bool:
    """`id="` as an attribute of its own (after whitespace), not the end of a longer name."""
    return match.start() > 0 and match.string[match.start() - 1].isspace()


def html_block(svg: str, id_prefix: str, css_class: str = "cjm-diagram-scroll") -> str:
    """An inlined SVG in a scrolling `<div>`: a raw HTML block for a Markdown page.

    Python-Markdown only passes HTML through untouched when a block starts with a
    block-level tag (`<svg>` is not one), so the SVG goes in a `<div>`. The div
    scrolls sideways when the diagram is wider than the page, and takes keyboard
    focus so keyboard users can scroll it too; it is named by the diagram's title.
    """
    if not _PREFIX_OK.match(id_prefix):
        raise ValueError(f"id prefix {id_prefix!r} must start with a letter and use [A-Za-z0-9_.-]")
    return (
        f'<div class="{xml_escape(css_class)}" role="region" tabindex="0"'
        f' aria-labelledby="{id_prefix}title" style="overflow-x:auto">\n{svg.rstrip()}\n</div>\n'
    )
