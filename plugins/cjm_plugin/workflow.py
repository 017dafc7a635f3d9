"""`cjm generate`, `cjm generate --watch` and `cjm serve ENGINE`: the plugin's work, done
from the command line for an engine that runs no cjm plugin (Zensical).

`--watch` polls the maps folder rather than asking the system for file events: a stat per
file every half second costs well under a millisecond for 200 maps, works the same on every
system, network drive and container, and sees an editor's save-by-rename like any other.
A change is acted on once the folder has stayed the same for one more poll, so a save that
arrives in pieces is read whole.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .catalog import load_project
from .diagnostics import short
from .generate import GenerateError, site_files, write_site
from .last_good import LastGoodMaps, folder_state
from .labels import LabelsError, languages
from .pages import PageOptions
from .progress import Progress
from .site import SiteOptions, build_site
from .generated_extras import NAV_FILE, edit_link, edit_url, nav_files
from .urls import SitePaths

POLL_SECONDS = 0.5


@dataclass
class Settings:
    maps: Path
    out: Path
    prefix: str = "journeys"
    use_directory_urls: bool = True
    diagrams: bool = True
    strict: bool = False
    nav: str = "auto"
    nav_file: str | None = NAV_FILE  # None: no navigation file
    edit_base: str | None = None  # see SiteConfig.edit_base
    docs_dir: Path | None = None  # where the edit links' paths start
    cache_dir: Path = Path(".cache/plugin/cjm")
    language: str | None = None  # of the built-in words (labels.py); a map's `lang:` wins
    labels_dir: Path | None = None  # a team's label files


@dataclass
class Outcome:
    ok: bool
    messages: list[str] = field(default_factory=list)


class Generator:
    """Generates the pages into the docs folder. `live` (watch, serve): a broken map keeps
    its last good version and its pages say what is wrong, as under `mkdocs serve`; else a
    broken map writes nothing."""

    def __init__(self, settings: Settings, say: Callable[[str], None], warn: Callable[[str], None],
                 live: bool = False, progress: Callable[[], Progress] | None = None):
        self.settings = settings
        self.say, self.warn = say, warn
        self.progress = progress  # makes the progress of one run (progress.py)
        self.last_good = LastGoodMaps() if live else None

    def run(self) -> bool:
        s = self.settings
        progress = self.progress() if self.progress is not None else None
        project = load_project([s.maps], cache=s.cache_dir, top=s.maps if s.maps.is_dir() else None,
                               progress=progress, languages=languages(s.labels_dir))
        for diagnostic in project.diagnostics:
            self.warn(str(diagnostic))
        errors = project.errors
        if self.last_good is None:
            if errors or (s.strict and project.warnings):
                self.warn(f"{len(errors)} error(s), {len(project.warnings)} warning(s) in maps;"
                          " nothing written")
                return False
        else:
            for kept in self.last_good.keep(project):
                self.warn(f"{kept.source.display}: has errors; its pages show its last good version"
                          " until it is fixed")
        options = SiteOptions(diagrams=s.diagrams, cache_dir=s.cache_dir, pages=PageOptions(
            paths=SitePaths(s.prefix), use_directory_urls=s.use_directory_urls,
            language=s.language, labels_dir=s.labels_dir))
        try:
            site = build_site(project, options, errors if self.last_good is not None else None,
                              progress=progress)
        except LabelsError as error:  # a team's label file, edited while watching
            self.warn(f"cjm: {error}; nothing written")
            return False
        if progress is not None:
            progress.summary(site.summary())
        for message in site.messages:
            self.warn(str(message))
        if site.fatal:
            self.warn(f"{site.fatal}; nothing written")
            return False
        if s.strict and site.messages and self.last_good is None:
            self.warn(f"{len(site.messages)} message(s) while building; nothing written")
            return False
        files = self._files(site)
        try:
            result = write_site(s.out, files, s.prefix)
        except (GenerateError, OSError) as error:
            self.warn(f"cjm generate: {error}")
            return False
        where = s.out / s.prefix if s.prefix else s.out
        self.say(f"{where}: {len(result.written)} file(s) written, {len(result.unchanged)} unchanged,"
                 f" {len(result.removed)} removed ({len(project.maps)} map(s))")
        return True

    def run_guarded(self) -> bool:
        """`run` for a long-running mode (watch, serve): an unexpected error is reported in
        one line and the pages stay as they were, rather than a traceback that stops the
        engine's server under the writer."""
        try:
            return self.run()
        except Exception as error:  # noqa: BLE001 - see above
            self.warn(f"cjm: unexpected error while generating ({type(error).__name__}:"
                      f" {short(str(error), 200)}); the pages stay as they were. This is a bug in"
                      " cjm: please report it with the map that caused it")
            return False

    def _files(self, site) -> dict[str, bytes]:
        """The pages and assets, with each map page's edit link and the navigation file."""
        s = self.settings
        files = site_files(site)
        pages = {page.src: page for page in site.pages}
        if s.edit_base and s.docs_dir is not None:
            for src, page in pages.items():
                if page.source is not None:
                    link = edit_link(edit_url(s.edit_base, s.docs_dir, page.source.source.path),
                                     page.source.source.display)
                    files[src] = files[src] + link.encode("utf-8")
        if s.nav_file:
            texts = {src: page.content for src, page in pages.items()}
            for src, text in nav_files(site, texts, s.nav, s.nav_file).items():
                files[src] = text.encode("utf-8")
        return dict(sorted(files.items()))


def watch(generator: Generator, maps: Path, keep_going: Callable[[], bool] = lambda: True,
          interval: float = POLL_SECONDS) -> None:
    """Generate again after every change in `maps` (see the module's docstring), until
    `keep_going` says stop or Ctrl-C."""
    state = folder_state(maps)
    while keep_going():
        time.sleep(interval)
        current = folder_state(maps)
        if current == state:
            continue
        while keep_going():  # wait for the save to settle
            time.sleep(interval / 2)
            settled = folder_state(maps)
            if settled == current:
                break
            current = settled
        state = current
        generator.say(f"cjm: {maps} changed; generating again")
        generator.run_guarded()


def engine_command(engine: str) -> str | None:
    """The engine's command from this environment (next to this Python), else from PATH."""
    for folder in (Path(sys.executable).parent,):
        for name in (engine, f"{engine}.exe"):
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which(engine)


def serve(generator: Generator, maps: Path, command: list[str]) -> int:
    """Run the engine's dev server and regenerate beside it until it stops (or Ctrl-C, or a
    SIGTERM: either way the server is stopped too, never left running)."""
    process = subprocess.Popen(command)

    def stop(signum, frame):  # noqa: ARG001 - signal handler
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        watch(generator, maps, keep_going=lambda: process.poll() is None)
        return process.returncode or 0
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
