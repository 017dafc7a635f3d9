"""Where generated pages live, and links between them."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

# Page names at the top of the journeys section: persona ids must avoid them.
RESERVED_PERSONA_IDS = frozenset({"index", "stages", "touchpoints", "backlog", "assets",
                                  "portfolio", "evidence", "health", "changes"})
RESERVED_STAGE_IDS = frozenset({"index"})


MAX_PREFIX_PART = 50
_PREFIX_PART = re.compile(r"[^\W_][\w.-]*")


def prefix_problem(prefix: str) -> str | None:
    """Why `prefix` can't be the folder of the generated pages (inside the docs folder, on
    every system, as a URL), or None when it can. "" puts them at the top of the site."""
    parts = [part for part in prefix.strip("/").split("/")] if prefix.strip("/") else []
    for part in parts:
        if part in (".", ".."):
            return (f"`{part}` would put the generated pages outside the docs folder; use a folder"
                    " name such as `journeys` or `handbook/journeys`")
        if not part:
            return "an empty folder name (`//`); use a folder name such as `journeys`"
        if len(part) > MAX_PREFIX_PART:
            return f"folder names are at most {MAX_PREFIX_PART} characters"
        if not _PREFIX_PART.fullmatch(part):
            return ("use letters, digits, `-`, `_` and `.` in folder names, starting with a letter"
                    " or digit (no `\\`, `:`, spaces or hidden `.` folders), for example"
                    " `journeys`")
    return None


@dataclass(frozen=True)
class SitePaths:
    """Source paths (as MkDocs `src_uri`) of every generated file."""

    prefix: str = "journeys"

    def _join(self, *parts: str) -> str:
        return posixpath.join(self.prefix, *parts) if self.prefix else posixpath.join(*parts)

    @property
    def index(self) -> str:
        return self._join("index.md")

    @property
    def stages_index(self) -> str:
        return self._join("stages", "index.md")

    @property
    def touchpoints(self) -> str:
        return self._join("touchpoints.md")

    @property
    def backlog(self) -> str:
        return self._join("backlog.md")

    @property
    def portfolio(self) -> str:
        return self._join("portfolio.md")

    @property
    def evidence(self) -> str:
        return self._join("evidence.md")

    @property
    def health(self) -> str:
        return self._join("health.md")

    @property
    def changes(self) -> str:
        return self._join("changes.md")

    @property
    def stylesheet(self) -> str:
        return self._join("assets", "cjm.css")

    @property
    def script(self) -> str:
        return self._join("assets", "cjm.js")

    def persona(self, persona_id: str) -> str:
        return self._join(persona_id, "index.md")

    def stage(self, persona_id: str, stage_id: str) -> str:
        return self._join(persona_id, f"{stage_id}.md")

    def shared_stage(self, stage_id: str) -> str:
        return self._join("stages", f"{stage_id}.md")

    def diagram_source(self, persona_id: str, name: str) -> str:
        return self._join(persona_id, f"{persona_id}-{name}.dot")

    def overview_source(self, name: str) -> str:
        return self._join(f"{name}.dot")


def md_link(from_src: str, to_src: str) -> str:
    """A relative link between two source files, as written in Markdown."""
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def page_url(src: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a source file, relative to the site root (as MkDocs does)."""
    if not src.endswith(".md"):
        return src
    stem = src[: -len(".md")]
    if not use_directory_urls:
        return f"{stem}.html"
    if posixpath.basename(stem) in ("index", "README"):
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else "./"
    return f"{stem}/"


def url_link(from_src: str, to_src: str, use_directory_urls: bool) -> str:
    """A relative URL between the built pages of two sources (for raw HTML and SVG)."""
    source = page_url(from_src, use_directory_urls)
    target = page_url(to_src, use_directory_urls)
    base = source if source.endswith("/") else posixpath.dirname(source) + "/"
    base = "" if base in ("./", "/") else base
    relative = posixpath.relpath(target or ".", base.rstrip("/") or ".")
    if target.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return "./" if relative == "./" or relative == "." else relative
