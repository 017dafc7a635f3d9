"""Rebuilds reuse generated pages whose maps did not change, and `--dirty` skips them."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from cjm_plugin import pages as pages_module
from sitebuild import MINIMAL_MAP, make_site

OTHER_MAP = MINIMAL_MAP.replace("Minimal persona", "Other persona")


def _build(config_file: Path, dirty: bool = False, site_dir: Path | None = None):
    site_dir = site_dir or config_file.parent / "site"
    config = load_config(str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=dirty)
    try:
        build(config, dirty=dirty)
    finally:
        config.plugins.on_shutdown()
    return config.plugins["cjm"], site_dir


def _stored(root: Path) -> dict[str, int]:
    files = root / ".cache" / "plugin" / "cjm" / "site" / "files"
    return {p.relative_to(files).as_posix(): p.stat().st_mtime_ns for p in files.rglob("*") if p.is_file()}


def _digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".gz"}


def _count_generated(monkeypatch) -> list[str]:
    made: list[str] = []
    original = pages_module.PageBuilder._render

    def render(self, template, src, *args, **kwargs):
        made.append(src)
        return original(self, template, src, *args, **kwargs)

    monkeypatch.setattr(pages_module.PageBuilder, "_render", render)
    return made


def test_a_warm_build_generates_nothing_and_rewrites_nothing(tmp_path, monkeypatch):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    plugin, _ = _build(config)
    assert plugin.site.dot_runs > 0
    before = _stored(tmp_path)
    assert "journeys/m/index.md" in before and "journeys/index.md" in before
    made = _count_generated(monkeypatch)
    time.sleep(0.01)
    plugin, _ = _build(config)
    assert made == []
    assert plugin.site.dot_runs == 0
    assert _stored(tmp_path) == before


def test_one_map_edited_regenerates_its_pages_and_the_pages_across_maps(tmp_path, monkeypatch):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    _build(config)
    before = _stored(tmp_path)
    made = _count_generated(monkeypatch)
    (tmp_path / "maps" / "o.yml").write_text(OTHER_MAP.replace("Poster", "Billboard"), encoding="utf-8")
    time.sleep(0.01)
    plugin, site = _build(config)
    assert not any(src.startswith("journeys/m/") for src in made)
    assert "journeys/o/index.md" in made and "journeys/touchpoints.md" in made
    after = _stored(tmp_path)
    assert after["journeys/m/index.md"] == before["journeys/m/index.md"]
    assert after["journeys/o/awareness.md"] != before["journeys/o/awareness.md"]
    # Same bytes as a build from scratch.
    fresh = tmp_path / "fresh"
    make_site(fresh, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP.replace("Poster", "Billboard")})
    _, fresh_site = _build(fresh / "mkdocs.yml")
    assert _digest(site) == _digest(fresh_site)


def test_a_dirty_build_rebuilds_only_the_pages_that_changed(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    _, site = _build(config)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}
    time.sleep(0.05)
    (tmp_path / "maps" / "o.yml").write_text(OTHER_MAP.replace("Poster", "Billboard"), encoding="utf-8")
    _build(config, dirty=True)
    changed = {p.relative_to(site).as_posix() for p, mtime in before.items() if p.stat().st_mtime_ns != mtime}
    assert "journeys/o/awareness/index.html" in changed
    assert "journeys/touchpoints/index.html" in changed
    assert "journeys/m/index.html" not in changed and "journeys/m/awareness/index.html" not in changed
    assert "Billboard" in (site / "journeys/o/awareness/index.html").read_text(encoding="utf-8")


def test_a_removed_map_leaves_no_stored_pages_and_a_lost_file_is_made_again(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    _build(config)
    (tmp_path / "maps" / "o.yml").unlink()
    _build(config)
    assert not any(src.startswith("journeys/o/") for src in _stored(tmp_path))
    lost = tmp_path / ".cache/plugin/cjm/site/files/journeys/m/index.md"
    lost.unlink()
    _, site = _build(config)
    assert lost.is_file()
    assert "Minimal persona" in (site / "journeys/m/index.html").read_text(encoding="utf-8")


def test_changed_options_regenerate_the_pages(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP})
    _build(config)
    make_site(tmp_path, maps={"m.yml": MINIMAL_MAP}, config={"use_directory_urls": False})
    _, site = _build(config)
    page = (site / "journeys/m/index.html").read_text(encoding="utf-8")
    assert "awareness.html" in page


VOCABULARY = """\
stages:
  - {id: awareness, name: Awareness}
  - {id: purchase, name: Purchase}
channels: [print, web]
"""


def test_remembered_maps_load_as_parsed_ones_and_warnings_are_repeated(tmp_path):
    from cjm_plugin.catalog import load_project

    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "_vocabulary.yml").write_text(VOCABULARY, encoding="utf-8")
    (maps / "m.yml").write_text(MINIMAL_MAP, encoding="utf-8")
    # Stages out of the vocabulary's order: a warning, on every load.
    (maps / "w.yml").write_text(MINIMAL_MAP.replace("Awareness", "Zzz").replace("Purchase", "Awareness")
                                .replace("Zzz", "Purchase"), encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_project([maps], base=tmp_path, cache=cache)
    again = load_project([maps], base=tmp_path, cache=cache)
    plain = load_project([maps], base=tmp_path)
    assert [m.map for m in again.maps] == [m.map for m in plain.maps] == [m.map for m in first.maps]
    assert [str(d) for d in again.diagnostics] == [str(d) for d in plain.diagnostics]
    assert any(d.severity == "warning" for d in again.diagnostics)
    (maps / "m.yml").write_text(MINIMAL_MAP.replace("Poster", "Flyer"), encoding="utf-8")
    edited = load_project([maps], base=tmp_path, cache=cache)
    assert edited.by_id("m").map.stages[0].touchpoints[0].name == "Flyer"


def test_a_duplicate_id_is_reported_at_its_line_for_remembered_maps(tmp_path):
    from cjm_plugin.catalog import load_project

    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "z.yml").write_text(MINIMAL_MAP.replace("persona:\n", "persona:\n  id: same\n"), encoding="utf-8")
    cache = tmp_path / "cache"
    load_project([maps], base=tmp_path, cache=cache)  # remembers z.yml
    # a.yml comes first now, so the remembered z.yml is the duplicate to report.
    (maps / "a.yml").write_text(MINIMAL_MAP.replace("persona:\n", "persona:\n  id: same\n"), encoding="utf-8")
    with_cache = load_project([maps], base=tmp_path, cache=cache)
    without = load_project([maps], base=tmp_path)
    assert [str(d) for d in with_cache.diagnostics] == [str(d) for d in without.diagnostics]
    assert any("already used" in str(d) for d in with_cache.diagnostics)


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, path + (index,))
    else:
        yield path, data


def _changed(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value - 1 if value > 0 else value + 1
    if isinstance(value, float):
        return value + 1
    return f"{value} changed"


def test_every_edit_of_a_map_gives_the_pages_a_build_from_scratch_gives(tmp_path):
    """The pages across maps are reused by the part of the maps they show (site.py): an edit
    of any field must still reach every page that shows it."""
    import copy

    import yaml

    from cjm_plugin.catalog import load_project
    from cjm_plugin.site import FileStore, SiteOptions, build_site

    repo = Path(__file__).resolve().parent.parent
    maps = tmp_path / "maps"
    maps.mkdir()
    for name in ("_vocabulary.yml", "_research.yml", "brand-manager.yml"):
        (maps / name).write_text((repo / "maps" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (maps / "minimal.yml").write_text(MINIMAL_MAP, encoding="utf-8")  # shares two stages
    original = yaml.safe_load((maps / "brand-manager.yml").read_text(encoding="utf-8"))
    options = SiteOptions(diagrams=False)
    store = tmp_path / "store"

    def incremental():
        site = build_site(load_project([maps], base=tmp_path), options, store=FileStore(store))
        return {f.src: f.path.read_bytes() for f in site.files}

    def fresh():
        site = build_site(load_project([maps], base=tmp_path), options)
        return {p.src: p.content.encode("utf-8") for p in site.pages} | {
            a.src: a.content if isinstance(a.content, bytes) else a.content.encode("utf-8") for a in site.assets}

    incremental()
    # One leaf of each kind (`stages.*.touchpoints.*.name`, ...): every field the format has.
    kinds: dict[tuple, tuple] = {}
    for path, value in _leaves(original):
        kind = tuple("*" if isinstance(part, int) else part for part in path)
        if _changed(value) != value:
            kinds.setdefault(kind, path)
    leaves = list(kinds.values())
    assert len(leaves) > 30
    for path in leaves:
        data = copy.deepcopy(original)
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = _changed(target[path[-1]])
        (maps / "brand-manager.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert incremental() == fresh(), path


LINKED = {
    "_research.yml": "evidence:\n  - {id: calls, kind: support, title: Call log, date: 2026-05}\n",
    "a.yml": """\
persona:
  name: A persona
stages:
  - name: Awareness
    evidence: [calls]
    pain_points:
      - {id: slow, text: Slow replies, severity: high, evidence: [calls]}
""",
    "b.yml": """\
persona:
  name: B persona
stages:
  - name: Purchase
    opportunities:
      - {id: faster, text: Faster replies, addresses: [a/slow], impact: 4, effort: 2}
""",
}


@pytest.mark.parametrize("edit", [
    ("a.yml", "Slow replies", "Very slow replies"),         # shown on b's page ("addresses")
    ("a.yml", "severity: high", "severity: low"),
    ("b.yml", "Faster replies", "Quicker replies"),         # shown on a's page ("addressed by")
    ("b.yml", "addresses: [a/slow]", "addresses: []"),
    ("_research.yml", "Call log", "Call centre log"),        # shown wherever it is cited
    ("_research.yml", "kind: support", "kind: survey"),
])
def test_edits_reach_the_pages_of_linked_maps_and_the_evidence(tmp_path, edit):
    """A map's pages show items of other maps (links) and the research file's titles: an edit
    of either regenerates them, and the pages equal those of a build from scratch."""
    from cjm_plugin.catalog import load_project
    from cjm_plugin.site import FileStore, SiteOptions, build_site

    maps = tmp_path / "maps"
    maps.mkdir()
    for name, text in LINKED.items():
        (maps / name).write_text(text, encoding="utf-8")
    options = SiteOptions(diagrams=False)

    def pages(store=None):
        site = build_site(load_project([maps], base=tmp_path), options, store=store)
        if store is not None:
            return {f.src: f.path.read_bytes() for f in site.files}
        return {p.src: p.content.encode("utf-8") for p in site.pages} | {
            a.src: a.content if isinstance(a.content, bytes) else a.content.encode("utf-8") for a in site.assets}

    store = FileStore(tmp_path / "store")
    before = pages(store)
    name, old, new = edit
    path = maps / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    after = pages(FileStore(tmp_path / "store"))
    assert after == pages()
    changed = {src for src in after if after[src] != before.get(src)}
    other = "journeys/b/purchase.md" if name == "a.yml" else "journeys/a/awareness.md"
    assert other in changed or name == "_research.yml" and "journeys/a/awareness.md" in changed, changed
