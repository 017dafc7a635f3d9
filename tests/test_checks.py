"""Checks across a map or across maps: ids, lanes, the shared vocabulary, discovery.

Also the repository's own example maps, which must stay valid.
"""

from __future__ import annotations

import pytest

from cjm_plugin.catalog import load_project

from helpers_maps import MINIMAL, REPO, assert_message, dedent, load, messages, only_message

HEAD = "persona:\n  name: Ann\n"

VOCABULARY = dedent(
    """
    stages:
      - id: awareness
        name: Awareness
        objective: Be found.
      - id: purchase
        name: Purchase
    channels:
      - web
      - id: store
        name: Store
    """
)


# --- duplicate ids ---------------------------------------------------------------------


def test_duplicate_persona_id_across_files(tmp_path):
    found = messages(
        tmp_path,
        {
            "ann.yml": HEAD + "  id: shared\nstages:\n  - name: A\n",
            "bob.yml": "persona:\n  name: Bob\n  id: shared\nstages:\n  - name: A\n",
        },
    )
    assert len(found) == 1
    assert_message(
        found[0], "maps/bob.yml:3:3:", "persona id `shared` is already used by maps/ann.yml", "`persona.id`"
    )


def test_duplicate_persona_id_from_a_file_name(tmp_path):
    # c.yml gets the id `c` from its name; zz.yml sets it explicitly.
    found = messages(tmp_path, {"c.yml": MINIMAL, "zz.yml": HEAD + "  id: c\nstages:\n  - name: A\n"})
    assert found == [
        "maps/zz.yml:3:3: persona id `c` is already used by maps/c.yml; give each map its own `persona.id`"
    ]


def test_duplicate_persona_id_reported_at_the_persona_when_the_id_is_implicit(tmp_path):
    found = messages(tmp_path, {"a.yml": HEAD + "  id: b\nstages:\n  - name: A\n", "b.yml": MINIMAL})
    assert len(found) == 1
    assert_message(found[0], "maps/b.yml:2:3:", "persona id `b` is already used by maps/a.yml")


def test_the_first_of_two_duplicate_maps_is_kept(tmp_path):
    project = load(tmp_path, {"a.yml": HEAD + "  id: x\nstages:\n  - name: A\n", "b.yml": HEAD + "  id: x\nstages:\n  - name: B\n"})
    assert [m.source.display for m in project.maps] == ["maps/a.yml"]


def test_duplicate_stage_id(tmp_path):
    text = HEAD + "stages:\n  - name: Pay\n    id: pay\n  - name: Other\n    id: pay\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:7:9:", "stage id `pay` is used twice in this map (first at line 5)")


def test_duplicate_stage_id_from_names_points_at_the_name(tmp_path):
    text = HEAD + "stages:\n  - name: Pay\n  - name: Check\n  - name: PAY!\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:6:11:", "stage id `pay` is used twice", "first at line 4", "another `id`")


def test_duplicate_lane_id(tmp_path):
    text = HEAD + "lanes:\n  - id: cx\n    name: CX\n  - id: cx\n    name: Ops\nstages:\n  - name: A\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:6:9:", "lane id `cx` is declared twice (first at line 4)")


# --- lanes -----------------------------------------------------------------------------


def test_lane_item_under_an_undeclared_lane(tmp_path):
    text = dedent(
        """
        persona:
          name: Ann
        lanes:
          - id: cx
            name: CX
          - id: ops
            name: Ops
        stages:
          - name: A
            lanes:
              cx: [Answers]
              opz: [Ships]
        """
    )
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(
        message,
        "maps/bad.yml:12:7:",
        "lane `opz` is not declared (did you mean `ops`?)",
        "top-level `lanes:` (declared: `cx`, `ops`)",
    )


def test_lane_item_when_no_lane_is_declared(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "stages:\n  - name: A\n    lanes:\n      cx: [Answers]\n")
    assert_message(message, "maps/bad.yml:6:7:", "lane `cx` is not declared", "(declared: none)")


# --- the shared vocabulary -------------------------------------------------------------


def test_stage_not_in_the_vocabulary(tmp_path):
    text = HEAD + "stages:\n  - name: Awarenes\n  - name: Buy\n    id: purchase\n"
    found = messages(tmp_path, {"_vocabulary.yml": VOCABULARY, "bad.yml": text})
    assert len(found) == 1
    assert_message(
        found[0],
        "maps/bad.yml:4:11:",
        "stage `awarenes` is not a shared stage of maps/_vocabulary.yml (did you mean `awareness`?)",
        "set `id:` to one of awareness, purchase, or add it there",
    )


def test_stage_id_not_in_the_vocabulary_points_at_the_id(tmp_path):
    text = HEAD + "stages:\n  - name: Awareness\n    id: aware\n"
    found = messages(tmp_path, {"_vocabulary.yml": VOCABULARY, "bad.yml": text})
    assert len(found) == 1
    assert_message(found[0], "maps/bad.yml:5:9:", "stage `aware` is not a shared stage")


def test_channel_not_in_the_vocabulary(tmp_path):
    text = HEAD + "stages:\n  - name: Awareness\n    touchpoints:\n      - name: Ad\n        channel: wbe\n"
    found = messages(tmp_path, {"_vocabulary.yml": VOCABULARY, "bad.yml": text})
    assert len(found) == 1
    assert_message(
        found[0],
        "maps/bad.yml:7:18:",
        "channel `wbe` is not a channel of maps/_vocabulary.yml (did you mean `web`?)",
        "use one of web, store",
    )


def test_stages_and_channels_are_free_without_a_vocabulary(tmp_path):
    text = HEAD + "stages:\n  - name: Anything\n    touchpoints:\n      - name: Ad\n        channel: pigeon\n"
    assert messages(tmp_path, {"ann.yml": text}) == []


def test_vocabulary_without_channels_allows_any_channel(tmp_path):
    text = HEAD + "stages:\n  - name: Awareness\n    touchpoints:\n      - name: Ad\n        channel: pigeon\n"
    vocabulary = "stages:\n  - id: awareness\n    name: Awareness\n"
    assert messages(tmp_path, {"_vocabulary.yml": vocabulary, "ann.yml": text}) == []


def test_stage_order_differing_from_the_vocabulary_is_a_warning(tmp_path):
    text = HEAD + "stages:\n  - name: Purchase\n  - name: Awareness\n"
    project = load(tmp_path, {"_vocabulary.yml": VOCABULARY, "ann.yml": text})
    assert project.errors == []
    assert [str(w) for w in project.warnings] == [
        "maps/ann.yml:4:3: warning: stages are not in the order of maps/_vocabulary.yml;"
        " cross-persona pages follow that order, so reorder them here if this journey goes the same way"
    ]
    assert [m.id for m in project.maps] == ["ann"]  # a warning still builds


def test_map_in_vocabulary_order_has_no_warning(tmp_path):
    text = HEAD + "stages:\n  - name: Awareness\n  - name: Not shared\n    id: purchase\n"
    project = load(tmp_path, {"_vocabulary.yml": VOCABULARY, "ann.yml": text})
    assert project.diagnostics == []
    assert project.vocabulary is not None
    assert [c.label for c in project.vocabulary.channels] == ["web", "Store"]


def test_broken_vocabulary_is_reported_with_its_own_positions(tmp_path):
    vocabulary = "stages:\n  - id: Bad Id\n    name: x\n  - nme: y\nchanels: []\n"
    found = messages(tmp_path, {"_vocabulary.yml": vocabulary, "ann.yml": MINIMAL})
    assert found == [
        "maps/_vocabulary.yml:2:9: `Bad Id` is not a safe id: use lowercase letters, digits and"
        " single hyphens (for example `bad-id`)",
        "maps/_vocabulary.yml:4:5: missing required key `id`; add `id: ...` here",
        "maps/_vocabulary.yml:4:5: missing required key `name`; add `name: ...` here",
        "maps/_vocabulary.yml:4:5: unknown key `nme` (did you mean `name`?)",
        "maps/_vocabulary.yml:5:1: unknown key `chanels` (did you mean `channels`?)",
    ]


def test_vocabulary_that_is_not_a_mapping(tmp_path):
    found = messages(tmp_path, {"_vocabulary.yml": "- awareness\n", "ann.yml": MINIMAL})
    assert found == ["maps/_vocabulary.yml:1:1: the file must be a mapping of `key: value` lines, not a list"]


def test_vocabulary_applies_when_a_single_file_is_given(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "_vocabulary.yml").write_text(VOCABULARY)
    (tmp_path / "maps" / "ann.yml").write_text(HEAD + "stages:\n  - name: Elsewhere\n")
    project = load_project([tmp_path / "maps" / "ann.yml"], base=tmp_path)
    assert [d.message.split(" ")[1] for d in project.errors] == ["`elsewhere`"]


# --- discovery and collecting everything -----------------------------------------------


def test_files_starting_with_underscore_or_dot_are_not_personas(tmp_path):
    project = load(
        tmp_path,
        {
            "ann.yml": MINIMAL,
            "_notes.yml": "just: notes\n",
            "_draft.yaml": "not a map",
            ".hidden.yml": "[",
            "readme.md": "# not YAML",
            "bob.yaml": "persona:\n  name: Bob\nstages:\n  - name: A\n",
        },
    )
    assert project.diagnostics == []
    assert [m.id for m in project.maps] == ["ann", "bob"]
    assert [f.display for f in project.files] == ["maps/ann.yml", "maps/bob.yaml"]


def test_every_error_in_every_file_is_collected(tmp_path):
    found = messages(
        tmp_path,
        {
            "a.yml": HEAD + "  goal: x\nstages:\n  - name: A\n    emotion: 9\n  - nam: B\n",
            "b.yml": "persona:\n\tname: Bob\n",
            "c.yml": "",
            "d.yml": MINIMAL,
        },
    )
    assert found == [
        "maps/a.yml:3:3: unknown key `goal` (did you mean `goals`?)",
        "maps/a.yml:6:14: `emotion` is 9, out of range; use a whole number from -2 (very negative)"
        " to 2 (very positive)",
        "maps/a.yml:7:5: missing required key `name`; add `name: ...` here",
        "maps/a.yml:7:5: unknown key `nam` (did you mean `name`?)",
        "maps/b.yml:2:1: YAML syntax error: while scanning for the next token found character that"
        " cannot start any token; indent with spaces, not tabs",
        "maps/c.yml:1:1: the file is empty; start from `cjm new NAME`",
    ]


def test_map_checks_and_cross_map_checks_in_one_run(tmp_path):
    found = messages(
        tmp_path,
        {
            "_vocabulary.yml": VOCABULARY,
            "a.yml": HEAD + "  id: same\nstages:\n  - name: Awareness\n",
            "b.yml": "persona:\n  name: B\n  id: same\nstages:\n  - name: Awareness\n",
            "c.yml": "persona:\n  name: C\nstages:\n  - name: Nowhere\n",
        },
    )
    assert [m.split(": ")[0] for m in found] == ["maps/b.yml:3:3", "maps/c.yml:4:11"]


def test_several_folders_and_display_names(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "ann.yml").write_text(MINIMAL)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "zed.yml").write_text(HEAD + "  xx: 1\nstages:\n  - name: A\n")
    project = load_project([tmp_path / "maps", tmp_path / "more"], base=tmp_path)
    assert [str(d).split(" ")[0] for d in project.diagnostics] == ["more/zed.yml:3:3:"]
    assert [m.id for m in project.maps] == ["ann"]


def test_the_same_file_given_twice_is_checked_once(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "ann.yml").write_text(MINIMAL)
    project = load_project(
        [tmp_path / "maps", tmp_path / "maps" / "ann.yml", tmp_path / "maps" / "." / "ann.yml"], base=tmp_path
    )
    assert project.diagnostics == []
    assert [m.id for m in project.maps] == ["ann"]


# --- the repository's example maps ------------------------------------------------------


def test_repository_maps_are_valid(monkeypatch):
    maps = REPO / "maps"
    files = sorted(p for p in maps.glob("*.yml") if not p.name.startswith("_")) if maps.is_dir() else []
    if not files:
        pytest.skip("maps/ has no example map yet (another change adds them)")
    monkeypatch.chdir(REPO)
    project = load_project([maps.relative_to(REPO)])
    assert [str(d) for d in project.errors] == []
    assert len(project.maps) >= 5, f"expected at least 5 example maps, found {len(project.maps)}"
    non_ascii = [f.name for f in files if not f.read_text(encoding="utf-8").isascii()]
    assert non_ascii, "at least one example map should have non-ASCII text (names, accents, ...)"


def test_reserved_persona_id(tmp_path):
    found = messages(tmp_path, {"stages.yml": MINIMAL})
    assert_message(found[0], "maps/stages.yml:2:3:", "persona id `stages` is reserved for a generated page")


def test_reserved_stage_id(tmp_path):
    text = MINIMAL + "  - name: Index\n"
    assert_message(only_message(tmp_path, "bad.yml", text), "maps/bad.yml:5:11:",
                   "stage id `index` is reserved for the persona page")


def test_duplicate_ids_in_the_vocabulary(tmp_path):
    vocabulary = "stages:\n  - {id: awareness, name: A}\n  - {id: awareness, name: B}\nchannels: [web, web]\n"
    found = messages(tmp_path, {"_vocabulary.yml": vocabulary, "ok.yml": MINIMAL})
    assert_message(found[0], "maps/_vocabulary.yml:3:10:", "`awareness` is listed twice in `stages` (first at line 2)")
    assert_message(found[1], "maps/_vocabulary.yml:4:17:", "`web` is listed twice in `channels`")


def test_naming_the_vocabulary_file_checks_it_as_a_vocabulary(tmp_path, monkeypatch, capsys):
    from cjm_plugin.cli import main

    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "_vocabulary.yml").write_text(VOCABULARY, encoding="utf-8")
    (tmp_path / "maps" / "ok.yml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "maps/_vocabulary.yml", "maps/ok.yml"]) == 0, capsys.readouterr().out


def test_metric_values_must_be_finite(tmp_path):
    text = MINIMAL + "    metrics:\n      - {name: Rate, value: .nan}\n"
    assert_message(only_message(tmp_path, "bad.yml", text), "maps/bad.yml:6:29:", "`value` must be a number")


def test_maps_in_subfolders_use_the_vocabulary_above_them(tmp_path):
    text = HEAD + "stages:\n  - name: Buy\n    id: purchse\n"
    found = messages(tmp_path, {"_vocabulary.yml": VOCABULARY, "team/bad.yml": text,
                                "_drafts/ignored.yml": "not: a map"})
    assert len(found) == 1
    assert_message(found[0], "maps/team/bad.yml:5:9:", "stage `purchse` is not a shared stage of maps/_vocabulary.yml")
