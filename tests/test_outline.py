"""Outlines (outline.py) stand in for remembered maps in `cjm validate`: the checks across maps
must report exactly what they report with whole models, and a damaged outline must never be
believed. Real maps (the example site's, with research, rules and a future-state map), real
runs of `load_project`; no timings (bench/run.py measures them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cjm_plugin import catalog
from cjm_plugin.catalog import load_project
from cjm_plugin.outline import Outline, from_outline, outline_of

ROOT = Path(__file__).resolve().parents[1]

# Every rule, at a level and threshold that makes each one find something in the examples.
EVERY_RULE = """\
rules:
  - rule: low-emotion-needs-opportunity
    threshold: 0
    level: warning
  - rule: high-pain-needs-opportunity
    level: warning
  - rule: touchpoint-needs-owner
    level: warning
  - rule: stage-needs-evidence
    level: warning
  - rule: review-every
    months: 1
    level: warning
  - rule: evidence-younger-than
    months: 1
    level: warning
"""


@pytest.fixture
def project(tmp_path):
    """The example maps in a project folder, every rule on, and references across maps that
    do not resolve: messages about remembered maps that only the checks across maps find."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    maps = tmp_path / "maps"
    shutil.copytree(ROOT / "maps", maps)
    (maps / "_rules.yml").write_text(EVERY_RULE, encoding="utf-8")
    (maps / "latecomer.yml").write_text(
        "persona:\n  name: Latecomer\nstages:\n  - name: Awareness\n    emotion: -2\n"
        "    evidence: [no-such-study]\n    touchpoints:\n      - name: Poster\n"
        "    pain_points:\n      - text: Hard to find.\n        severity: high\n"
        "        touchpoint: poster\n    opportunities:\n      - text: Better posters.\n"
        "        addresses: [online-shopper/no-such-pain, nobody/slow]\n",
        encoding="utf-8")
    return tmp_path


def messages(project_dir: Path, **options) -> list[str]:
    found = load_project([project_dir / "maps"], base=project_dir, **options)
    return [f"{d} [{d.severity}{', ' + d.rule if d.rule else ''}]" for d in found.diagnostics]


def test_outlines_report_what_whole_models_report(project):
    whole = messages(project)
    assert len(whole) > 20, whole  # every rule and every kind of reference finds something
    assert any("latecomer.yml" in m and "no-such-pain" in m for m in whole)
    assert any("touchpoint-needs-owner" in m for m in whole)
    cache = project / ".cache" / "validate"
    first = messages(project, cache=cache, outlines=True)
    remembered = load_project([project / "maps"], base=project, cache=cache, outlines=True)
    assert remembered.maps and all(isinstance(m.map, Outline) for m in remembered.maps)
    again = messages(project, cache=cache, outlines=True)
    assert first == whole
    assert again == whole


def test_an_outline_holds_what_the_model_holds(project):
    loaded = load_project([project / "maps"], base=project)
    for journey in loaded.maps:
        outline = from_outline(json.loads(json.dumps(outline_of(journey.map))))
        assert outline is not None
        assert outline.persona.id == journey.id
        for stage, kept in zip(journey.map.stages, outline.stages, strict=True):
            assert (kept.id, kept.name, kept.emotion, kept.evidence) == \
                (stage.id, stage.name, stage.emotion, stage.evidence)
            assert [(p.id, p.text, p.severity, p.touchpoint) for p in kept.pain_points] == \
                [(p.id, p.text, p.severity, p.touchpoint) for p in stage.pain_points]
            assert [(o.id, o.owner, o.addresses) for o in kept.opportunities] == \
                [(o.id, o.owner, o.addresses) for o in stage.opportunities]


@pytest.mark.parametrize("damage", [
    lambda o: o["stages"][0].update(emotion="2"),  # text where a whole number goes
    lambda o: o["stages"][0].update(emotion=True),  # a bool is no emotion
    lambda o: o["stages"][0].update(evidence="study"),  # text where a list goes
    lambda o: o["stages"][0].update(actions=["more"]),  # a field outlines do not hold
    lambda o: o.update(stages=[1]),
    lambda o: o.pop("persona"),
    lambda o: o["persona"].update(name=None, id=[]),
])
def test_a_damaged_outline_is_not_believed(project, damage, monkeypatch):
    cache = project / ".cache" / "validate"
    whole = messages(project)
    messages(project, cache=cache, outlines=True)
    remembered = json.loads((cache / "outlines.json").read_text(encoding="utf-8"))
    for outline in remembered["maps"].values():
        damage(outline)
        assert from_outline(outline) is None
    (cache / "outlines.json").write_text(json.dumps(remembered), encoding="utf-8")
    parsed: list[str] = []
    original = catalog.load_map
    monkeypatch.setattr(catalog, "load_map",
                        lambda source, *a, **k: parsed.append(source.path.name) or original(source, *a, **k))
    assert messages(project, cache=cache, outlines=True) == whole
    assert "online-shopper.yml" in parsed  # read again, not believed


def test_a_build_never_gets_outlines(project):
    """The build's cache (maps.json) keeps whole models, even after `cjm validate` ran in the
    same process (serve keeps the last load's models)."""
    validate_cache = project / ".cache" / "validate"
    messages(project, cache=validate_cache, outlines=True)
    messages(project, cache=validate_cache, outlines=True)
    built = load_project([project / "maps"], base=project, cache=project / ".cache" / "build")
    assert built.maps and not any(isinstance(m.map, Outline) for m in built.maps)
    assert not (validate_cache / "maps.json").exists()
