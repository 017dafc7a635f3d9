#!/usr/bin/env python3
"""How much does cjm add to a MkDocs build? One run, ratios against baselines of the same run.

    python bench/run.py                 # 20 and 200 personas, 3 repetitions (~10 minutes)
    python bench/run.py --size small    # 20 personas only (~2 minutes)
    python bench/run.py --size smoke    # 3 personas, 1 repetition (CI smoke test, ~20 s)
    python bench/run.py --profile       # also cProfile one warm 200-persona build

For each size the script writes a synthetic corpus into a temporary folder (deterministic
seed): N personas, the 6 stages of a shared `_vocabulary.yml`, 8 touchpoints per stage,
actions, thoughts, pain points, opportunities, metrics and 3 blueprint lanes filled with
text of realistic length. It then builds two sites with the same mkdocs.yml and theme
(Material):

- **cjm**: hand-written pages + `maps/`, with the plugin;
- **baseline**: the same hand-written pages + the pages and assets cjm generates, written
  out as plain Markdown + SVG by `cjm generate`, with the same navigation, WITHOUT the plugin.

Every build runs in its own subprocess (this script with `_worker`), cjm and baseline
interleaved and their order alternated, so machine noise hits both; each figure is the
median of `--repeat` runs. Times are reported as ratios; absolute seconds are shown for
context only (they depend on the machine). See bench/README.md for the targets and results.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# "scale-smoke": the path of `scale` on two tiny sites, for tests/test_bench_smoke.py.
SIZES = {"smoke": (3,), "small": (20,), "full": (20, 200), "scale": (20, 1000), "scale-smoke": (3, 5)}
SEED = 20240611
STAGES = [
    ("awareness", "Awareness"), ("consideration", "Consideration"), ("decision", "Decision"),
    ("purchase", "Purchase"), ("retention", "Retention"), ("advocacy", "Advocacy"),
]
CHANNELS = ["web", "email", "social", "advertising", "press", "print", "events", "word-of-mouth",
            "sales", "phone", "chat", "app", "store", "delivery"]
OWNERS = ["Marketing", "Sales", "Support", "Product", "Operations", "Finance", "Logistics"]
LANES = [("cx", "Customer experience"), ("ops", "Operations"), ("it", "IT systems")]
WORDS = """account action address advice agent answer app approval basket bill booking brand
budget call campaign card cart catalogue change channel chat checkout choice claim colleague
company comparison confirmation contract cost counter coupon courier customer data date
deadline delay delivery demo deposit detail discount document email error estimate event
expectation experience fee feedback form friend guarantee guide help helpdesk hold invoice
issue item journey label launch lead letter link list loyalty manager meeting message
minute mobile month newsletter notice offer order owner package page partner password
payment person phone plan point policy portal price problem product profile promise quote
rating receipt reference refund reminder renewal report request response return review
reward rule sample schedule screen search service session shipment shop site size slot
stock store subscription summary supplier support survey team ticket time tracking trial
update upgrade value voucher wait website week window workflow""".split()
VERBS = """asks checks compares expects finds forgets hears learns misses needs notices opens
reads receives returns saves searches sees signs skips tries waits wants writes""".split()
ADJECTIVES = """annoying busy clear confusing costly early fast friendly helpful hidden late
long missing new quick reliable short simple slow smooth stale unclear useful vague""".split()

# Table headings: the smoke test checks that they are printed.
HEADINGS = ("| measure |", "| target |")


# --- the synthetic corpus ---------------------------------------------------------------------


class Text:
    """Deterministic filler text of realistic lengths."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        r = self.random
        out = []
        for index in range(r.randint(low, high)):
            pool = VERBS if index % 4 == 1 else ADJECTIVES if index % 4 == 2 else WORDS
            out.append(r.choice(pool))
        return " ".join(out)

    def sentence(self, low: int = 8, high: int = 16) -> str:
        text = self.words(low, high)
        if self.random.random() < 0.15:  # some Markdown, as writers use it
            first, _, rest = text.partition(" ")
            text = f"**{first}** {rest}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, low: int, high: int) -> str:
        target = self.random.randint(low, high)
        parts, count = [], 0
        while count < target:
            sentence = self.sentence()
            parts.append(sentence)
            count += len(sentence.split())
        return " ".join(parts)

    def title(self, low: int = 2, high: int = 4) -> str:
        text = self.words(low, high)
        return text[0].upper() + text[1:]


def vocabulary() -> dict:
    return {
        "stages": [{"id": sid, "name": name, "objective": f"What the team wants at {name.lower()}.",
                    "description": f"Everything that happens at {name.lower()}."} for sid, name in STAGES],
        "channels": [{"id": c, "name": c.replace("-", " ").capitalize()} for c in CHANNELS],
    }


def persona_map(index: int) -> dict:
    t = Text(SEED * 1000 + index)
    r = t.random
    stages = []
    for sid, name in STAGES:
        touchpoints = []
        for _ in range(8):
            touchpoint = {"name": t.title(2, 5), "channel": r.choice(CHANNELS),
                          "owner": r.choice(OWNERS), "emotion": r.randint(-2, 2)}
            if r.random() < 0.8:  # as in the example maps, not every touchpoint has one
                touchpoint["description"] = t.sentence(12, 25)
            if r.random() < 0.3:
                touchpoint["link"] = f"https://example.com/tickets/{r.randint(100, 999)}"
            touchpoints.append(touchpoint)
        stages.append({
            "id": sid,
            "name": f"{name}: {t.words(2, 3)}",
            "objective": t.sentence(10, 18),
            "description": t.paragraph(30, 60),
            "emotion": r.randint(-2, 2),
            "feeling": t.words(1, 3),
            "actions": [t.sentence(8, 14) for _ in range(4)],
            "thoughts": [t.sentence(8, 14) for _ in range(2)],
            "touchpoints": touchpoints,
            "pain_points": [t.sentence(10, 20),
                            {"text": t.sentence(10, 20), "severity": r.choice(["low", "medium", "high"])},
                            {"text": t.sentence(10, 20), "severity": r.choice(["low", "medium", "high"])}],
            "opportunities": [t.sentence(10, 20),
                              {"text": t.sentence(10, 20), "owner": r.choice(OWNERS),
                               "status": r.choice(["idea", "planned", "in progress", "done"])},
                              {"text": t.sentence(10, 20), "owner": r.choice(OWNERS), "status": "idea",
                               "link": f"https://example.com/tickets/{r.randint(100, 999)}"}],
            "metrics": [{"name": t.title(3, 5), "value": r.randint(5, 95), "target": r.randint(50, 99),
                         "unit": "%"},
                        {"name": t.title(3, 5), "value": round(r.uniform(1, 30), 1), "target": 5,
                         "unit": "minutes"}],
            "lanes": {lid: [t.sentence(8, 14) for _ in range(r.randint(1, 2))] for lid, _ in LANES},
        })
    return {
        "persona": {
            "name": f"Persona {index:03d}: {t.title(2, 3)}",
            "id": f"p{index:03d}",
            "summary": t.paragraph(60, 90),
            "quote": t.sentence(12, 20),
            "profile": {"Role": t.title(2, 3), "Location": t.title(1, 2), "Age": str(r.randint(20, 70)),
                        "Team": f"{r.randint(2, 12)} people"},
            "goals": [t.sentence(10, 16) for _ in range(4)],
            "frustrations": [t.sentence(10, 16) for _ in range(4)],
        },
        "scenario": t.paragraph(60, 100),
        "state": "current",
        "lanes": [{"id": lid, "name": name, "description": t.sentence(8, 14)} for lid, name in LANES],
        "stages": stages,
    }


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def edited(data: dict, variant: int, kind: str = "text") -> dict:
    """One realistic edit of a map (`variant` makes each edit differ from the last).

    - "text": a stage re-rated (emotion) and reworded (description, a touchpoint's
      description): the map's two diagrams and the two site-wide charts change, and so do
      its pages, the index and that stage's page across personas;
    - "touchpoint": a touchpoint renamed: its pages, the diagram and the site-wide touchpoint
      inventory (one row per touchpoint of every map) change."""
    data = copy.deepcopy(data)
    stage = data["stages"][2]
    if kind == "touchpoint":
        stage["touchpoints"][0]["name"] += f" (revised {variant})"
        return data
    others = [e for e in range(-2, 3) if e != stage["emotion"]]
    stage["emotion"] = others[variant % len(others)]  # differs from the last edit's too
    stage["description"] = f"Revised in workshop {variant}. " + stage["description"]
    stage["touchpoints"][1]["description"] = f"Reworded ({variant}): " + stage["touchpoints"][1].get(
        "description", "")
    return data


HANDWRITTEN = {
    "index.md": "# Customer journeys\n\n{para}\n\n{para}\n\n## How to read this site\n\n{para}\n",
    "guide.md": "# Writing maps\n\n{para}\n\n```yaml\npersona:\n  name: Example\n```\n\n{para}\n\n"
                "| Key | Meaning |\n| --- | --- |\n| persona | who |\n| stages | steps |\n",
    "research.md": "# Research notes\n\n{para}\n\n!!! note\n    {para}\n\n{para}\n",
    # One live view from the maps; the baseline shows the block as a code block.
    "workshop.md": "# Workshop report\n\n{para}\n\n```cjm\nshow: glance\npersona: p001\n```\n\n{para}\n",
}


# What the baseline has instead of the live view: a table of the same size. (Left as a code
# block in an unknown language, Pygments would search all its lexers, a cost cjm never pays.)
GLANCE = "| Stage | Objective | Emotion | Touchpoints | Top pain point |\n| --- | --- | --- | --- | --- |\n" + \
    "".join(f"| [{name}](journeys/p001/{sid}.md) | Make it work. | +1 positive | A<br>B<br>C | Slow. |\n"
            for sid, name in STAGES)


def write_handwritten(docs: Path, plugin: bool) -> None:
    t = Text(SEED)
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in HANDWRITTEN.items():
        text = text.replace("{para}", "{}").format(*(t.paragraph(80, 140) for _ in range(text.count("{para}"))))
        if not plugin:
            text = re.sub(r"```cjm\n.*?```\n", GLANCE, text, flags=re.DOTALL)
        (docs / name).write_text(text, encoding="utf-8")


def settings(plugin: bool) -> dict:
    """The mkdocs.yml both sites share; only the plugins (and the nav, see below) differ."""
    return {
        "site_name": "Journeys benchmark",
        "site_url": "https://example.org/",
        "theme": {"name": "material", "font": False,
                  "features": ["navigation.indexes", "navigation.sections", "content.code.copy"]},
        "nav": [{"Home": "index.md"}, {"Writing maps": "guide.md"}, {"Research": "research.md"},
                {"Workshop": "workshop.md"}, {"Journeys": "journeys/index.md"}],
        "plugins": ["search", "cjm"] if plugin else ["search"],
        "markdown_extensions": ["admonition", "attr_list", "md_in_html", "tables",
                                {"toc": {"permalink": True}}, "pymdownx.highlight",
                                "pymdownx.superfences"],
    }


def python_cmd(*args: str) -> list[str]:
    return [sys.executable, *args]


def cjm_cmd(*args: str) -> list[str]:
    """The `cjm` command, with this interpreter (works with or without a venv on PATH)."""
    return python_cmd("-c", "import sys; from cjm_plugin.cli import main; sys.exit(main())", *args)


class Corpus:
    """Both sites of one size, under `folder`."""

    def __init__(self, folder: Path, personas: int):
        self.folder = folder
        self.personas = personas
        self.cjm = folder / "cjm"
        self.base = folder / "baseline"
        self.maps = {f"p{i:03d}": persona_map(i) for i in range(1, personas + 1)}
        self.edit_id = f"p{(personas + 1) // 2:03d}"
        self.pages = 0  # generated pages, set by prepare()

    def map_file(self, persona_id: str) -> Path:
        return self.cjm / "maps" / f"{persona_id}.yml"

    def prepare(self) -> None:
        """Maps, hand-written pages and the cjm site's mkdocs.yml (the baseline comes later)."""
        maps = self.cjm / "maps"
        maps.mkdir(parents=True, exist_ok=True)
        (maps / "_vocabulary.yml").write_text(dump(vocabulary()), encoding="utf-8")
        for pid, data in self.maps.items():
            self.map_file(pid).write_text(dump(data), encoding="utf-8")
        write_handwritten(self.cjm / "docs", plugin=True)
        write_handwritten(self.base / "docs", plugin=False)
        (self.cjm / "mkdocs.yml").write_text(yaml.safe_dump(settings(True), sort_keys=False), encoding="utf-8")
        self.nav = self.cjm_nav()

    def prepare_baseline(self) -> None:
        """The baseline site: what `cjm generate` writes, with the nav the plugin builds.

        Run after a cjm build, whose SVG cache it borrows: the diagrams are the same, and
        drawing them twice would only make the benchmark slower."""
        cache = self.folder / "generate-cache" / ".cache" / "plugin" / "cjm"
        cache.mkdir(parents=True, exist_ok=True)
        for path in (self.cjm / ".cache" / "plugin" / "cjm").glob("*.*"):
            if path.is_file():
                shutil.copy2(path, cache / path.name)
        result = subprocess.run(cjm_cmd("generate", "--out", str(self.base / "docs"),
                                        "--maps", str(self.cjm / "maps")),
                                cwd=self.folder / "generate-cache", capture_output=True, text=True)
        if result.returncode != 0 and "invalid choice: 'generate'" in result.stderr:
            self._write_baseline_pages()  # a cjm without `cjm generate`
        elif result.returncode != 0:
            sys.exit(f"bench: `cjm generate` failed:\n{result.stdout}{result.stderr}")
        base = settings(False)
        base["nav"] = self.nav
        # What the plugin adds in on_config.
        base["extra_css"] = ["journeys/assets/cjm.css"]
        base["extra_javascript"] = ["journeys/assets/cjm.js"]
        (self.base / "mkdocs.yml").write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")

    def _write_baseline_pages(self) -> None:
        from cjm_plugin.catalog import load_project
        from cjm_plugin.site import SiteOptions, build_site
        site = build_site(load_project([self.cjm / "maps"]),
                          SiteOptions(cache_dir=self.folder / "generate-cache" / ".cache" / "plugin" / "cjm"))
        for item in [*site.pages, *site.assets]:
            target = self.base / "docs" / item.src
            target.parent.mkdir(parents=True, exist_ok=True)
            content = getattr(item, "content")
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    def cjm_nav(self) -> list:
        """The navigation the plugin builds (nav: auto), as a hand-written `nav:`."""
        from mkdocs.config import load_config
        from mkdocs.structure.files import get_files
        from mkdocs.structure.nav import Link, Page, Section, get_navigation

        config = load_config(str(self.cjm / "mkdocs.yml"), site_dir=str(self.folder / "nav-site"))
        plugin = config.plugins["cjm"]
        plugin.config.diagrams = False  # the nav does not depend on diagrams: no `dot` here
        plugin.config.cache_dir = str(self.folder / "nav-cache")
        config.plugins.on_startup(command="build", dirty=False)
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        self.pages = len(plugin.generated)

        def entries(items: list) -> list:
            out = []
            for item in items:
                if isinstance(item, Section):
                    out.append({item.title: entries(item.children)})
                elif isinstance(item, Page):
                    out.append({item.title: item.file.src_uri} if item.title else item.file.src_uri)
                elif isinstance(item, Link):
                    out.append({item.title: item.url})
            return out

        config.plugins.on_shutdown()
        return entries(nav.items)


# --- builds in subprocesses --------------------------------------------------------------------


def worker(args: argparse.Namespace) -> int:
    """One build in this process; prints a JSON line with timings, memory and counts."""
    import resource

    phases: dict[str, float] = {}
    counts = {"pages_built": 0}
    if args.cjm:
        _instrument(phases, counts)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    profiler = None
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    config = load_config(args.config, site_dir=args.site_dir)
    config.plugins.on_startup(command="build", dirty=args.dirty)
    try:
        build(config, dirty=args.dirty)
    finally:
        config.plugins.on_shutdown()
    elapsed = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    result = {"build": elapsed, "phases": phases, **counts,
              "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if args.cjm:
        site = config.plugins["cjm"].site
        result["dot_runs"] = site.dot_runs if site else None
    print(json.dumps(result))
    return 0


def _instrument(phases: dict[str, float], counts: dict[str, int]) -> None:
    """Time the plugin's work by wrapping its functions (before MkDocs loads the plugin).

    Wraps what exists, so the script also measures older versions of cjm; a phase entered
    again from inside itself (an older `_render_diagrams` calls `_diagram_sources`) counts once."""
    import functools

    from cjm_plugin import catalog, load, pages, plugin, site

    depth: dict[str, int] = {}

    def timed(owner, name: str, phase: str, count: str | None = None) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            depth[phase] = depth.get(phase, 0) + 1
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                depth[phase] -= 1
                if not depth[phase]:
                    phases[phase] = phases.get(phase, 0.0) + time.perf_counter() - start
                if count:
                    counts[count] += 1

        setattr(owner, name, wrapper)

    timed(load, "read_data", "load")  # read + YAML parse with positions
    timed(load, "validate_data", "validate")  # pydantic
    timed(catalog, "check_map", "validate")  # cross-field and vocabulary checks
    timed(site, "_diagram_sources", "diagrams")  # maps -> DOT
    timed(site, "_render_diagrams", "diagrams")  # SVG cache look-ups, `dot` runs, inlining
    for name in ("build", "site_pages", "map_pages"):
        timed(pages.PageBuilder, name, "pages")  # Jinja2 + Markdown of map text
    for name in ("reuse", "put", "save"):
        timed(getattr(site, "FileStore", None), name, "store")  # generated files in the cache
    timed(plugin.CjmPlugin, "on_config", "events")
    timed(plugin.CjmPlugin, "on_files", "on_files")  # all of the above, and adding the files
    timed(plugin.CjmPlugin, "on_nav", "nav")
    timed(plugin.CjmPlugin, "on_page_markdown", "events", count="pages_built")
    timed(plugin.CjmPlugin, "on_page_content", "events")  # embeds in hand-written pages
    timed(plugin.CjmPlugin, "on_page_context", "events")


def run_build(config: Path, cjm: bool, dirty: bool = False, profile: Path | None = None) -> dict:
    command = python_cmd(str(Path(__file__).resolve()), "_worker", str(config),
                         "--site-dir", str(config.parent / "site"))
    command += ["--cjm"] if cjm else []
    command += ["--dirty"] if dirty else []
    command += ["--profile", str(profile)] if profile else []
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=config.parent)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: build of {config} failed:\n{result.stderr[-4000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["wall"] = wall
    data["plugin"] = sum(v for k, v in data["phases"].items() if k in ("on_files", "nav", "events"))
    return data


def time_command(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command[-3:])} failed:\n{result.stdout}{result.stderr}")
    return wall


# --- the measurements ------------------------------------------------------------------------


def measure(corpus: Corpus, repeat: int, log, serve: bool = True) -> dict:
    runs: dict[str, list] = {}

    def add(key: str, value) -> dict:
        runs.setdefault(key, []).append(value)
        return value

    cjm_config, base_config = corpus.cjm / "mkdocs.yml", corpus.base / "mkdocs.yml"
    cache = corpus.cjm / ".cache"
    map_file = corpus.map_file(corpus.edit_id)
    original = dump(corpus.maps[corpus.edit_id])
    label = f"  {corpus.personas} personas"
    for rep in range(repeat):
        # Alternate which site goes first, so drift (heat, other jobs) hits both alike; the
        # first run starts with cjm, whose diagram cache the baseline's generation borrows.
        order = [("cjm", cjm_config), ("base", base_config)]
        if rep % 2:
            order.reverse()
        for state in ("cold", "warm"):
            for name, config in order:
                if state == "cold":
                    shutil.rmtree(config.parent / "site", ignore_errors=True)
                    if name == "cjm":
                        shutil.rmtree(cache, ignore_errors=True)
                if name == "base" and not base_config.exists():
                    corpus.prepare_baseline()
                result = add(f"{state}_{name}", run_build(config, cjm=name == "cjm"))
                log(f"{label}, run {rep + 1}/{repeat}: {state} {name} {result['wall']:.1f} s")

        # One map edited: a full rebuild; then, edited again, `--dirty` rebuilds (what
        # `mkdocs serve --dirty` does on each change).
        map_file.write_text(dump(edited(corpus.maps[corpus.edit_id], 3 * rep + 1)), encoding="utf-8")
        full = add("edit_full", run_build(cjm_config, cjm=True))
        time.sleep(0.05)  # distinct modification times on coarse file systems
        map_file.write_text(dump(edited(corpus.maps[corpus.edit_id], 3 * rep + 2)), encoding="utf-8")
        dirty = add("edit_dirty", run_build(cjm_config, cjm=True, dirty=True))
        time.sleep(0.05)
        map_file.write_text(dump(edited(corpus.maps[corpus.edit_id], 3 * rep + 3, "touchpoint")),
                            encoding="utf-8")
        renamed = add("rename_dirty", run_build(cjm_config, cjm=True, dirty=True))
        log(f"{label}, run {rep + 1}/{repeat}: one map edited: full {full['wall']:.1f} s,"
            f" dirty {dirty['wall']:.1f} s, touchpoint renamed, dirty {renamed['wall']:.1f} s")
        map_file.write_text(original, encoding="utf-8")

    measure_validate(corpus, add)
    if serve:
        measure_serve(corpus, add, log)
    return runs


# What `cjm validate` is held against: Python starting, then only parsing the same files with
# PyYAML's C loader (no positions, no models, no checks).
FLOOR = ("import pathlib, sys, yaml\n"
         "for path in sorted(pathlib.Path(sys.argv[1]).glob('*.yml')):\n"
         "    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)\n")


def measure_validate(corpus: Corpus, add) -> None:
    """`cjm validate` with an empty cache (a fresh clone in CI), then again with one map changed
    (pre-commit, an editor), and the floor, interleaved; three of each (cheap)."""
    maps = corpus.cjm / "maps"
    map_file = corpus.map_file(corpus.edit_id)
    original = map_file.read_text(encoding="utf-8")
    for rep in range(3):
        add("validate_floor", time_command(python_cmd("-c", FLOOR, str(maps)), corpus.cjm))
        shutil.rmtree(corpus.cjm / ".cache" / "plugin" / "cjm" / "validate", ignore_errors=True)
        add("validate", time_command(cjm_cmd("validate", str(maps)), corpus.cjm))
        map_file.write_text(dump(edited(corpus.maps[corpus.edit_id], 100 + rep)), encoding="utf-8")
        add("validate_changed", time_command(cjm_cmd("validate", str(maps)), corpus.cjm))
        map_file.write_text(original, encoding="utf-8")


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_page(url: str) -> str | None:
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(predicate, timeout: float, what: str, poll: float = 0.05):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(poll)
    raise TimeoutError(f"bench: no {what} within {timeout:.0f} s")


def measure_serve(corpus: Corpus, add, log, modes: tuple[str, ...] = ("serve", "serve_dirty")) -> None:
    """One map saved while a real `mkdocs serve` runs, until the server hands out the rebuilt
    page: what a writer waits for. Both `mkdocs serve` and `mkdocs serve --dirty`; two saves
    each. The time runs from the save to the first response that shows the edit, polled every
    50 ms over HTTP (so it includes the watcher's delay and MkDocs' own start of a rebuild)."""
    map_file = corpus.map_file(corpus.edit_id)
    original = map_file.read_text(encoding="utf-8")
    stage = STAGES[2][0]
    for mode in modes:
        port = free_port()
        command = python_cmd("-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}")
        command += ["--dirty"] if mode == "serve_dirty" else []
        log_path = corpus.folder / f"{mode}.log"
        with open(log_path, "wb") as output:
            server = subprocess.Popen(command, cwd=corpus.cjm, stdout=output, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/journeys/{corpus.edit_id}/{stage}/"
            wait_for(lambda: fetch_page(url), 1800, f"page from `mkdocs {mode}`", poll=0.5)
            for variant in (1, 2):
                marker = f"Revised in workshop {200 + 10 * variant}."
                time.sleep(1.0)  # the watcher settled, distinct modification times
                start = time.perf_counter()
                map_file.write_text(dump(edited(corpus.maps[corpus.edit_id], 200 + 10 * variant)),
                                    encoding="utf-8")
                wait_for(lambda: marker in (fetch_page(url) or ""), 1800, f"rebuild by `mkdocs {mode}`")
                seconds = add(mode, time.perf_counter() - start)
                log(f"  {corpus.personas} personas: one map saved, `mkdocs {mode.replace('_', ' --')}`"
                    f" shows it after {seconds:.1f} s")
        except TimeoutError as error:
            sys.exit(f"{error}; its output is in {log_path}:\n{log_path.read_text(errors='replace')[-3000:]}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            map_file.write_text(original, encoding="utf-8")


def measure_scale(corpus: Corpus, log) -> dict:
    """One cold and one warm cjm build (no baseline: it would double an hour-long run): the
    plugin's time per map, the build per page, peak memory, progress lines on the way; then
    `cjm validate` and a save under `mkdocs serve --dirty`."""
    cache = corpus.cjm / ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(corpus.cjm / "site", ignore_errors=True)
    cold = run_build(corpus.cjm / "mkdocs.yml", cjm=True)
    log(f"  {corpus.personas} personas: cold {cold['wall']:.1f} s (plugin {cold['plugin']:.1f} s)")
    warm = run_build(corpus.cjm / "mkdocs.yml", cjm=True)
    log(f"  {corpus.personas} personas: warm {warm['wall']:.1f} s (plugin {warm['plugin']:.1f} s)")
    pages = corpus.pages + len(HANDWRITTEN)
    # What a writer and a pre-commit hook wait for at this size: a save under `mkdocs serve
    # --dirty` (plain serve builds every page again: a warm build), and `cjm validate`.
    runs: dict[str, list] = {}

    def add(key: str, value):
        runs.setdefault(key, []).append(value)
        return value

    measure_validate(corpus, add)
    measure_serve(corpus, add, log, modes=("serve_dirty",))
    validate, floor = median(runs["validate"]), median(runs["validate_floor"])
    return {"personas": corpus.personas, "pages": pages, "runs": 1,
            "serve_dirty_s": median(runs["serve_dirty"]),
            "serve_dirty_ratio": median(runs["serve_dirty"]) / warm["wall"],
            "validate_s": validate, "validate_floor_ratio": validate / floor,
            "validate_changed_ratio": median(runs["validate_changed"]) / validate,
            "cold_s": cold["wall"], "warm_s": warm["wall"],
            "cold_plugin_s": cold["plugin"], "warm_plugin_s": warm["plugin"],
            "cold_plugin_per_map_ms": 1000 * cold["plugin"] / corpus.personas,
            "warm_plugin_per_map_ms": 1000 * warm["plugin"] / corpus.personas,
            "warm_per_page_ms": 1000 * warm["wall"] / pages,
            "cold_dot_runs": cold["dot_runs"], "maxrss_mb": max(cold["maxrss_mb"], warm["maxrss_mb"])}


def scale_table(results: list[dict]) -> str:
    small, big = results[0], results[-1]
    lines = ["| measure | " + " | ".join(f"{r['personas']} personas ({r['pages']} pages)" for r in results)
             + " | large ÷ small |", "| --- | " + " | ".join("---:" for _ in results) + " | ---: |"]
    for label, key, fmt in (("cold build (s)", "cold_s", "{:.1f}"), ("warm build (s)", "warm_s", "{:.1f}"),
                            ("plugin, cold build (s)", "cold_plugin_s", "{:.1f}"),
                            ("plugin per map, cold build (ms)", "cold_plugin_per_map_ms", "{:.1f}"),
                            ("plugin per map, warm build (ms)", "warm_plugin_per_map_ms", "{:.1f}"),
                            ("warm build per page (ms)", "warm_per_page_ms", "{:.1f}"),
                            ("`dot` runs, cold build", "cold_dot_runs", "{}"),
                            ("one map saved, `mkdocs serve --dirty` until the page is rebuilt (s)",
                             "serve_dirty_s", "{:.1f}"),
                            ("  ÷ warm build", "serve_dirty_ratio", "{:.2f}"),
                            ("`cjm validate` (s)", "validate_s", "{:.2f}"),
                            ("  ÷ the floor (PyYAML's C loader only)", "validate_floor_ratio", "{:.2f}"),
                            ("`cjm validate` again, one map changed ÷ first run", "validate_changed_ratio", "{:.2f}"),
                            ("peak memory (MB)", "maxrss_mb", "{:.0f}")):
        ratio = big[key] / small[key] if small[key] else float("nan")
        lines.append(f"| {label} | " + " | ".join(fmt.format(r[key]) for r in results) + f" | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def nav_study(corpus: Corpus, modes: list[str], log) -> dict[str, float]:
    """Warm build time per page with each `nav:` mode (Material renders the nav into every page)."""
    found = {}
    for mode in modes:
        config = settings(True)
        config["plugins"] = ["search", {"cjm": {"nav": mode}}]
        path = corpus.cjm / f"mkdocs-nav-{mode}.yml"  # same folder: same cache, warm
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        result = run_build(path, cjm=True)
        found[mode] = 1000 * result["wall"] / (corpus.pages + len(HANDWRITTEN))
        log(f"  {corpus.personas} personas, nav: {mode}: {found[mode]:.1f} ms per page")
    return found


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(corpus: Corpus, runs: dict) -> dict:
    m = lambda key, field="wall": median([r[field] for r in runs[key]])  # noqa: E731
    # The baseline has no cache: its "cold" and "warm" builds do the same work, so they are
    # one sample (twice the runs, interleaved with both kinds of cjm build).
    base = runs["cold_base"] + runs["warm_base"]
    base_wall = median([r["wall"] for r in base])
    shares = [r["plugin"] / r["build"] for r in runs["warm_cjm"]]
    names = {k for r in runs["warm_cjm"] for k in r["phases"]}
    phases = {k: [r["phases"].get(k, 0.0) / r["build"] for r in runs["warm_cjm"]] for k in names}
    total_pages = corpus.pages + len(HANDWRITTEN)
    return {
        "personas": corpus.personas,
        "pages": total_pages,
        "runs": len(runs["warm_cjm"]),
        "cold_ratio": m("cold_cjm") / base_wall,
        "warm_ratio": m("warm_cjm") / base_wall,
        "cold_cjm_s": m("cold_cjm"), "warm_cjm_s": m("warm_cjm"), "base_s": base_wall,
        "cold_plugin_s": m("cold_cjm", "plugin"), "warm_plugin_s": m("warm_cjm", "plugin"),
        "plugin_share": median(shares),
        "phase_share": {k: median(v) for k, v in sorted(phases.items())},
        "cold_dot_runs": max(r["dot_runs"] for r in runs["cold_cjm"]),
        "warm_dot_runs": max(r["dot_runs"] for r in runs["warm_cjm"]),
        "edit_dot_runs": max(r["dot_runs"] for r in runs["edit_full"]),
        "edit_full_ratio": m("edit_full") / m("warm_cjm"),
        "edit_dirty_ratio": m("edit_dirty") / m("warm_cjm"),
        "rename_dirty_ratio": m("rename_dirty") / m("warm_cjm"),
        "dirty_pages_built": max(r["pages_built"] for r in runs["edit_dirty"]),
        "rename_pages_built": max(r["pages_built"] for r in runs["rename_dirty"]),
        "dirty_plugin_s": m("edit_dirty", "plugin"),
        "validate_s": median(runs["validate"]),
        "validate_floor_s": median(runs["validate_floor"]),
        "validate_floor_ratio": median(runs["validate"]) / median(runs["validate_floor"]),
        "validate_changed_ratio": median(runs["validate_changed"]) / median(runs["validate"]),
        "serve_s": median(runs.get("serve", [])), "serve_dirty_s": median(runs.get("serve_dirty", [])),
        "serve_ratio": median(runs.get("serve", [])) / m("warm_cjm"),
        "serve_dirty_ratio": median(runs.get("serve_dirty", [])) / m("warm_cjm"),
        "memory_ratio": m("warm_cjm", "maxrss_mb") / median([r["maxrss_mb"] for r in base]),
        "memory_cjm_mb": m("warm_cjm", "maxrss_mb"), "memory_base_mb": median([r["maxrss_mb"] for r in base]),
        "per_page_ms": 1000 * m("warm_cjm") / total_pages,
        "per_page_base_ms": 1000 * base_wall / total_pages,
    }


def table(results: list[dict]) -> str:
    big, small = results[-1], results[0]
    cols = [f"{r['personas']} personas ({r['pages']} pages)" for r in results]
    rows: list[tuple[str, list[str], str, str]] = []

    def row(label: str, key: str, fmt: str, target: str = "", ok=None) -> None:
        rows.append((label, [fmt.format(r[key]) for r in results], target,
                     "" if ok is None else ("met" if ok else "MISSED")))

    row("cold build (empty cache), cjm ÷ baseline", "cold_ratio", "{:.2f}", "≤ 1.15 at largest",
        big["cold_ratio"] <= 1.15)
    row("warm build, cjm ÷ baseline", "warm_ratio", "{:.2f}", "≤ 1.05 at largest", big["warm_ratio"] <= 1.05)
    row("plugin's share of a warm build", "plugin_share", "{:.1%}")
    for phase in ("load", "validate", "diagrams", "pages", "store", "on_files", "nav", "events"):
        rows.append((f"  … {phase}", [f"{r['phase_share'].get(phase, 0):.1%}" for r in results], "", ""))
    row("`dot` runs, cold build", "cold_dot_runs", "{}")
    row("`dot` runs, warm build", "warm_dot_runs", "{}", "0", big["warm_dot_runs"] == 0)
    row("`dot` runs, one map edited", "edit_dot_runs", "{}", "≤ 4: its 2 + the 2 site-wide charts",
        big["edit_dot_runs"] <= 4)
    row("one map edited, full rebuild ÷ warm build", "edit_full_ratio", "{:.2f}")
    row("one map edited, dirty rebuild ÷ warm build", "edit_dirty_ratio", "{:.2f}", "≤ 0.10 at largest",
        big["edit_dirty_ratio"] <= 0.10)
    row("  pages the dirty rebuild rebuilt", "dirty_pages_built", "{}")
    row("touchpoint renamed, dirty rebuild ÷ warm build", "rename_dirty_ratio", "{:.2f}")
    row("  pages the dirty rebuild rebuilt", "rename_pages_built", "{}")
    row("one map saved, `mkdocs serve` until the page is rebuilt ÷ warm build", "serve_ratio", "{:.2f}",
        "≤ 0.10 at largest", big["serve_ratio"] <= 0.10)
    row("one map saved, `mkdocs serve --dirty` until the page is rebuilt ÷ warm build", "serve_dirty_ratio",
        "{:.2f}", "≤ 0.10 at largest", big["serve_dirty_ratio"] <= 0.10)
    row("`cjm validate` wall time (s)", "validate_s", "{:.2f}")
    row("  ÷ the floor (Python + PyYAML's C loader only)", "validate_floor_ratio", "{:.2f}", "≤ 1.5",
        big["validate_floor_ratio"] <= 1.5)
    row("`cjm validate` again, one map changed ÷ first run", "validate_changed_ratio", "{:.2f}", "≤ 0.2",
        big["validate_changed_ratio"] <= 0.2)
    row("peak memory, cjm ÷ baseline", "memory_ratio", "{:.2f}", "≤ 1.2", big["memory_ratio"] <= 1.2)
    row("warm build time per page, cjm (ms)", "per_page_ms", "{:.1f}")
    row("build time per page, baseline (ms)", "per_page_base_ms", "{:.1f}")
    lines = ["| measure | " + " | ".join(cols) + " | target | |",
             "| --- | " + " | ".join("---:" for _ in cols) + " | --- | --- |"]
    for label, values, target, status in rows:
        lines.append(f"| {label} | " + " | ".join(values) + f" | {target} | {status} |")
    if len(results) > 1:
        scaling = big["per_page_ms"] / small["per_page_ms"]
        status = "met" if scaling <= 1.2 else "MISSED"
        lines.append(f"| per page, {big['personas']} ÷ {small['personas']} personas | "
                     + " | ".join([""] * (len(cols) - 1) + [f"{scaling:.2f}"]) + f" | ≤ 1.2 | {status} |")
    context = "; ".join(
        f"{r['personas']} personas ({r['runs']} run(s)): cold {r['cold_cjm_s']:.1f}, warm"
        f" {r['warm_cjm_s']:.1f}, baseline {r['base_s']:.1f}; plugin cold {r['cold_plugin_s']:.1f},"
        f" warm {r['warm_plugin_s']:.1f}, dirty rebuild {r['dirty_plugin_s']:.1f}; serve {r['serve_s']:.1f},"
        f" serve --dirty {r['serve_dirty_s']:.1f}; validate {r['validate_s']:.2f}, floor"
        f" {r['validate_floor_s']:.2f}; memory"
        f" {r['memory_cjm_mb']:.0f} vs {r['memory_base_mb']:.0f} MB" for r in results)
    return "\n".join(lines) + f"\n\nSeconds on this machine (medians): {context}.\n"


def profile(corpus: Corpus, out: Path, log) -> None:
    """cProfile one warm cjm build; print where the plugin's time goes."""
    import pstats

    target = out / f"profile-{corpus.personas}.prof"
    run_build(corpus.cjm / "mkdocs.yml", cjm=True, profile=target)
    log(f"bench: profile written to {target} (open with `python -m pstats`); the plugin's part:")
    stats = pstats.Stats(str(target), stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats("cjm_plugin", 30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full",
                        help="full: 20 and 200 personas; small: 20; smoke: 3; scale: 20 and 1,000, one cold and one"
                        " warm cjm build each (default: full)")
    parser.add_argument("--repeat", type=int, help="runs per measurement, median reported (default:"
                        " 3 up to 20 personas, 1 above, so that `full` takes about 10 minutes)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile a warm build of the largest size (written to --out)")
    parser.add_argument("--nav-study", action="store_true",
                        help="also time a warm build with each `nav:` mode (~3 more minutes)")
    parser.add_argument("--no-serve", action="store_true",
                        help="skip the two `mkdocs serve` measurements (each starts with a full build)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary sites (path printed)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"),
                        help="where results and profiles go (default: bench/out, git-ignored)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if shutil.which("dot") is None:
        sys.exit("bench: Graphviz `dot` is not on PATH; run `bash scripts/bootstrap.sh` first")
    # Measure what a user's machine does: a shell (or CI image) that turns off bytecode files
    # made every cjm process compile cjm's own modules again (75 ms, a twentieth of `cjm
    # validate`), while MkDocs' came precompiled from pip.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="cjm-bench-"))
    started = time.perf_counter()
    try:
        results, studies = [], {}
        for personas in SIZES[args.size]:
            repeat = args.repeat or (1 if args.size == "smoke" else 3 if personas <= 20 else 1)
            log(f"bench: {personas} personas, {repeat} run(s), sites under {work}")
            corpus = Corpus(work / f"p{personas}", personas)
            corpus.prepare()
            if args.size.startswith("scale"):
                results.append(measure_scale(corpus, log))
                continue
            results.append(summarise(corpus, measure(corpus, repeat, log, serve=not args.no_serve)))
            if args.nav_study:
                # `full` lists every stage page: above ~30 personas one build takes many minutes.
                modes = ["full", "personas", "index"] if personas <= 30 else ["personas", "index"]
                studies[personas] = nav_study(corpus, modes, log)
            if args.profile and personas == SIZES[args.size][-1]:
                profile(corpus, out, log)
        runs = sorted({r["runs"] for r in results})
        print(f"\ncjm benchmark: size {args.size}, median of {'/'.join(map(str, runs))} run(s),"
              f" {time.perf_counter() - started:.0f} s in all\n")
        print(scale_table(results) if args.size.startswith("scale") else table(results))
        if studies:
            print("Warm build time per page (ms) by `nav:` mode:\n")
            print("| personas | " + " | ".join(["full", "personas", "index"]) + " |\n| --- | ---: | ---: | ---: |")
            for personas, found in studies.items():
                print(f"| {personas} | " + " | ".join(f"{found[m]:.1f}" if m in found else "–"
                                                     for m in ["full", "personas", "index"]) + " |")
        (out / f"results-{args.size}.json").write_text(
            json.dumps({"results": results, "nav": studies}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    finally:
        if args.keep:
            log(f"bench: sites kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker_parser = argparse.ArgumentParser()
        worker_parser.add_argument("config")
        worker_parser.add_argument("--site-dir", required=True)
        worker_parser.add_argument("--cjm", action="store_true")
        worker_parser.add_argument("--dirty", action="store_true")
        worker_parser.add_argument("--profile")
        sys.exit(worker(worker_parser.parse_args(sys.argv[2:])))
    sys.exit(main())
