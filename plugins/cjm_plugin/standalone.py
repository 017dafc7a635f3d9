"""`cjm render`: one persona's journey canvas as a file of its own, for slides and the wall.

- `html`: the canvas with its stylesheet inline; no script, no font, no image, nothing
  fetched from anywhere, so it opens offline. Built here, no browser needed.
- `png`, `pdf`: that same page drawn by Chromium (the one the tests use) through
  Playwright: a screenshot at `width` CSS pixels times `scale`, and the page printed on one
  A3 landscape sheet (the canvas' print stylesheet; scaled down when a map is too dense).
- `svg`: the one-page PDF turned into SVG by poppler's `pdftocairo -svg`: true vectors with
  the text as glyph outlines, so it looks the same in PowerPoint, Keynote, Inkscape or
  Illustrator, whatever fonts they have. (An SVG that wraps the HTML in a foreignObject
  shows nothing in slide tools, which is why it is not one.)

Every request the page makes is refused unless it is the page itself: rendering never
reaches the network.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from . import __version__
from .assets import COLUMN_MIN_REM, LABEL_WIDTH_REM, STANDALONE_STYLESHEET
from .canvas import render_canvas
from .labels import Labels, load_labels
from .catalog import Project
from .load import LoadedMap
from .text import MarkdownRenderer

FORMATS = ("html", "svg", "png", "pdf")
ROOT_FONT_PX = 20  # the standalone page's rem, as Material's
PAGE_PADDING_PX = 2 * 1.2 * ROOT_FONT_PX
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions"]
# A3 landscape less the 7 mm margins of `@page cjm-poster` (assets.py), in CSS pixels.
A3_CONTENT_PX = ((420 - 14) / 25.4 * 96, (297 - 14) / 25.4 * 96)

INSTALL_CHROMIUM = (
    "cjm render needs Chromium to draw PNG, PDF and SVG files: install it with"
    " `apt-get install chromium` (Debian, Ubuntu), `brew install --cask chromium` (macOS)"
    " or `python -m playwright install chromium`, or set CJM_CHROMIUM to a Chrome or Chromium"
    " executable. `--format html` needs no browser."
)
INSTALL_PLAYWRIGHT = (
    "cjm render drives Chromium with Playwright for PNG, PDF and SVG files: install it with"
    " `pip install 'cjm[render]'` (or `pip install playwright`). `--format html` needs neither."
)
INSTALL_POPPLER = (
    "cjm render --format svg converts Chromium's PDF with poppler's `pdftocairo`, which was not"
    " found: install it with `apt-get install poppler-utils` (Debian, Ubuntu) or"
    " `brew install poppler` (macOS)."
)


class RenderError(Exception):
    """Something the user must install or fix; the message says what."""


@dataclass(frozen=True)
class Rendered:
    path: Path
    format: str
    width: int | None = None  # pixels, for PNG
    height: int | None = None
    pages: int | None = None  # for PDF


def _absolute(link: str) -> str | None:
    """A link a file on its own can follow: http(s) only (a relative link leads nowhere)."""
    return link if urlsplit(link).scheme in ("http", "https") else None


def standalone_html(project: Project, loaded: LoadedMap, labels: Labels | None = None) -> str:
    """The canvas of `loaded` as a complete HTML document that needs nothing else, in the
    words of `labels` (default: the map's `lang:`, else English)."""
    journey = loaded.map
    labels = labels or load_labels(getattr(journey, "lang", None))
    channels = {c.id: c.label for c in project.vocabulary.channels} if project.vocabulary else {}
    markdown = MarkdownRenderer(allow_html=False, images=False)
    canvas = render_canvas(loaded, markdown, channels, stage_url=None, labels=labels, page=True,
                           follow=_absolute)
    name = html.escape(journey.persona.name)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(labels.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="cjm {html.escape(__version__)}">',
        # Nothing may load from anywhere, whatever the map says.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
        f"<title>{html.escape(labels('canvas.title', persona=journey.persona.name))}</title>",
        f"<style>\n{STANDALONE_STYLESHEET}</style>",
        "</head>",
        "<body>",
        '<main class="cjm-standalone">',
        f"<h1>{name}</h1>",
    ]
    if journey.state == "future":
        parts.append('<p class="cjm-state cjm-state-future">Future state: how this journey should go.</p>')
    if journey.persona.quote:
        parts.append(f'<blockquote class="cjm-quote"><p>{html.escape(journey.persona.quote)}</p></blockquote>')
    parts += [canvas.rstrip("\n"), "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def page_width(loaded: LoadedMap, width: int) -> int:
    """At least `width`, and wide enough that every stage column fits (no sideways scroll)."""
    stages = len(loaded.map.stages)
    needed = (LABEL_WIDTH_REM + stages * COLUMN_MIN_REM) * ROOT_FONT_PX + PAGE_PADDING_PX + 2
    return max(width, int(needed + 0.999))


def find_chromium(explicit: str | None = None) -> str | None:
    """A Chrome or Chromium executable: `explicit`, $CJM_CHROMIUM, or one on PATH."""
    for candidate in (explicit, os.environ.get("CJM_CHROMIUM"), *CHROMIUM_NAMES):
        if not candidate:
            continue
        found = shutil.which(candidate)
        if found:
            return found
        if candidate in (explicit, os.environ.get("CJM_CHROMIUM")):
            raise RenderError(f"Chromium not found at `{candidate}`. {INSTALL_CHROMIUM}")
    return None


def count_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


class _Browser:
    """Chromium through Playwright, started for one render and always closed after it."""

    def __init__(self, executable: str | None):
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise RenderError(INSTALL_PLAYWRIGHT) from None
        self._error = Error
        self._manager = sync_playwright()
        self._playwright = self._manager.start()
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        except Error as error:
            self.close()
            first = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
            if executable is None:  # no system Chromium, and Playwright has none of its own
                raise RenderError(INSTALL_CHROMIUM) from None
            raise RenderError(f"Chromium at `{executable}` did not start ({first}). {INSTALL_CHROMIUM}") from None

    def page(self, document: Path, width: int, height: int = 900, scale: float = 1.0):
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           device_scale_factor=scale, color_scheme="light",
                                           offline=True, java_script_enabled=False)
        page = context.new_page()
        url = document.resolve().as_uri()
        # Only the page itself loads; anything else it might ask for is refused.
        page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        page.goto(url, wait_until="load")
        return page

    def close(self) -> None:
        try:
            self._manager.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - closing must not hide the real error
            pass


# Steps of a render, for progress: the canvas; then Chromium started, the page drawn (and
# for SVG converted).
RENDER_STEPS = {"html": 1, "png": 3, "pdf": 3, "svg": 4}


def render(project: Project, loaded: LoadedMap, fmt: str, out: Path, width: int = 1600,
           scale: float = 2.0, chromium: str | None = None, labels: Labels | None = None,
           advance: Callable[[], None] = lambda: None) -> Rendered:
    """Write the canvas of `loaded` to `out` as `fmt` (one of FORMATS); `advance` is called
    after each of the RENDER_STEPS[fmt] steps (progress)."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format `{fmt}`; use one of {', '.join(FORMATS)}")
    document = standalone_html(project, loaded, labels)
    advance()
    if fmt == "html":
        _write(out, document.encode("utf-8"))
        return Rendered(out, fmt)
    executable = find_chromium(chromium)
    if fmt == "svg" and shutil.which("pdftocairo") is None:
        raise RenderError(INSTALL_POPPLER)
    with tempfile.TemporaryDirectory(prefix="cjm-render-") as folder:
        source = Path(folder) / "canvas.html"
        source.write_text(document, encoding="utf-8")
        browser = _Browser(executable)
        advance()
        try:
            if fmt == "png":
                rendered = _png(browser, loaded, source, out, width, scale)
                advance()
                return rendered
            pdf = _pdf(browser, source)
            advance()
        finally:
            browser.close()
        if fmt == "pdf":
            _write(out, pdf)
            return Rendered(out, fmt, pages=count_pages(pdf))
        rendered = _svg(pdf, Path(folder), out)
        advance()
        return rendered


def _png(browser: _Browser, loaded: LoadedMap, source: Path, out: Path, width: int, scale: float) -> Rendered:
    css_width = page_width(loaded, width)
    page = browser.page(source, css_width, scale=scale)
    height = page.evaluate("() => Math.ceil(document.documentElement.scrollHeight)")
    _write(out, page.screenshot(full_page=True, type="png", animations="disabled", caret="hide"))
    return Rendered(out, "png", width=round(css_width * scale), height=round(height * scale))


def _pdf(browser: _Browser, source: Path) -> bytes:
    """One A3 landscape sheet: printed at full size when the canvas fits, else scaled to fit."""
    content_width, content_height = A3_CONTENT_PX
    page = browser.page(source, round(content_width), round(content_height))
    page.emulate_media(media="print")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    scale = min(1.0, content_height / height) if height else 1.0
    for _ in range(6):  # the layout is wider at a smaller scale: check, and shrink again if needed
        pdf = page.pdf(prefer_css_page_size=True, print_background=True, scale=max(0.1, round(scale, 3)))
        if count_pages(pdf) <= 1 or scale <= 0.1:
            return pdf
        scale *= 0.92
    return pdf


def _svg(pdf: bytes, folder: Path, out: Path) -> Rendered:
    source, target = folder / "canvas.pdf", folder / "canvas.svg"
    source.write_bytes(pdf)
    try:
        result = subprocess.run(["pdftocairo", "-svg", str(source), str(target)],
                                capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RenderError(f"pdftocairo did not run: {error}. {INSTALL_POPPLER}") from None
    if result.returncode != 0 or not target.is_file():
        detail = result.stderr.decode("utf-8", "replace").strip()[:300]
        raise RenderError(f"pdftocairo failed (exit status {result.returncode}): {detail}")
    _write(out, target.read_bytes())
    return Rendered(out, "svg")


def _write(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
