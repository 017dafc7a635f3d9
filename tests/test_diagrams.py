"""Diagrams: maps -> DOT (golden files, escaping) and DOT -> SVG with the real `dot`.

Regenerate the golden DOT files after an intended change with
`CJM_UPDATE_GOLDEN=1 pytest tests/test_diagrams.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from cjm_plugin.catalog import Project, load_project
from cjm_plugin.diagrams import (
    Renderer,
    RenderRequest,
    inline_svg,
    journey_dot,
)
from cjm_plugin.diagrams.dot_source import (
    EMOTION_FILL,
    NAME_WRAP,
    SEVERITY_FILL,
    STAGE_WRAP,
    emotion_class,
)
from cjm_plugin.diagrams.text import (
    clean,
    display_width,
    dot_string,
    dot_url,
    html_label,
    html_lines,
    one_line,
    wrap,
)
from cjm_plugin.load import LoadedMap

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "diagrams"
UPDATE = os.environ.get("CJM_UPDATE_GOLDEN") == "1"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

# Text that would break or inject into DOT, XML or HTML if it were not escaped.
HOSTILE = [
    "<script>alert('x')</script>",
    '"]; a -> b [label="pwned"',
    "{braces} [brackets] |pipes| <<>>",
    "back\\slash \\N \\G \\n \\l and a last one\\",
    "&amp; &lt; &#65; &nbsp; & ;",
    "]]> <!-- not a comment --> <![CDATA[ x ]]>",
    "line one\nline two\r\nline three",
    "emoji 😀🎭👩🏽‍💻 done",
    "中文触点名称很长很长很长很长很长很长的名字",
    "שלום עולם مرحبا بالعالم",
    "tab\there, bell\x07 and\x1b escape",
]


# --- helpers ----------------------------------------------------------------------------


def hostile_map() -> dict:
    touchpoints = [
        {"name": text, "channel": "web", "owner": "Team <b>&</b>", "emotion": n % 5 - 2,
         "description": f"About: {text}"}
        for n, text in enumerate(HOSTILE)
    ]
    return {
        "persona": {"name": 'Hostile "persona" <i>\\</i>', "id": "hostile"},
        "lanes": [
            {"id": "cx", "name": "CX & <b>ops</b>", "description": '"]; c -> d ['},
            {"id": "prod", "name": "Production {x}"},
        ],
        "stages": [
            {"id": "first", "name": 'Stage "]; x -> y [ {} \\', "emotion": -2,
             "feeling": "שלום <b>", "touchpoints": touchpoints[:6],
             "pain_points": ["pain <b>bold</b>", {"text": "high & \\N", "severity": "high"}],
             "lanes": {"cx": ['item "quoted"', "{braces}"], "prod": ["<script>x</script>"]}},
            {"id": "second", "name": "数码 stage 😀", "touchpoints": touchpoints[6:]},
            {"id": "third", "name": "Third", "emotion": 2, "lanes": {"prod": ["done\\"]}},
        ],
    }


def simple_map(persona_id: str, emotions: list[int | None], name: str | None = None) -> dict:
    stage_ids = ["awareness", "consideration", "decision", "purchase", "retention"]
    return {
        "persona": {"name": name or persona_id.title(), "id": persona_id},
        "stages": [
            {"id": stage_ids[n], "name": stage_ids[n].title(), "emotion": emotion,
             "touchpoints": [{"name": f"{persona_id} touchpoint {n}", "emotion": emotion}],
             "pain_points": [f"pain {n}"] * (n % 3)}
            for n, emotion in enumerate(emotions)
        ],
    }


def load_maps(tmp_path: Path, *maps: dict) -> list[LoadedMap]:
    folder = tmp_path / "maps"
    folder.mkdir(parents=True, exist_ok=True)
    for data in maps:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"{data['persona']['id']}.yml").write_text(text, "utf-8")
    project = load_project([folder], base=tmp_path)
    assert project.errors == [], [str(d) for d in project.errors]
    return project.maps


def example_project() -> Project:
    project = load_project([REPO / "maps"], base=REPO)
    assert project.maps, "the example maps in maps/ are missing"
    assert project.errors == [], [str(d) for d in project.errors]
    return project


def stage_url(persona: str):
    return lambda stage: f"../{persona}/{stage}/?from=journey&x=1#top"


def render_svg(tmp_path: Path, dot: str, prefix: str = "d-") -> str:
    result = Renderer(tmp_path / "cache").render(dot)
    assert result.error is None, result.error
    return inline_svg(result.svg, prefix)


def node_groups(root: ET.Element, prefix: str = "d-") -> dict[str, ET.Element]:
    """Graphviz node groups by id, without the page prefix."""
    return {
        g.get("id").removeprefix(prefix): g
        for g in root.iter(f"{SVG}g")
        if "node" in (g.get("class") or "").split()
    }


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def hrefs(root: ET.Element) -> list[str]:
    return [a.get(f"{XLINK}href") for a in root.iter(f"{SVG}a") if a.get(f"{XLINK}href")]


def tooltip(element: ET.Element) -> str | None:
    anchor = next(element.iter(f"{SVG}a"), None)
    return None if anchor is None else anchor.get(f"{XLINK}title")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing; create it with CJM_UPDATE_GOLDEN=1"
    expected = path.read_text("utf-8")
    assert text == expected, f"{name} changed; if intended, run with CJM_UPDATE_GOLDEN=1 and review"


# --- text helpers -----------------------------------------------------------------------


def test_wrap_keeps_every_word_and_respects_the_width():
    text = "Networking events and conferences with a supercalifragilisticexpialidocious word"
    lines = wrap(text, 22)
    assert all(display_width(line) <= 22 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert lines[0] == "Networking events and"


def test_wrap_breaks_chinese_by_display_width_and_keeps_line_breaks():
    lines = wrap("中文触点名称很长很长很长很长很长很长的名字", 10)
    assert all(display_width(line) <= 10 for line in lines)
    assert "".join(lines) == "中文触点名称很长很长很长很长很长很长的名字"
    assert wrap("one\ntwo", 22) == ["one", "two"]


def test_wrap_shortens_to_max_lines_with_an_ellipsis():
    lines = wrap("word " * 40, 12, max_lines=2)
    assert len(lines) == 2 and lines[1].endswith("…") and display_width(lines[1]) <= 12


def test_clean_drops_characters_xml_forbids():
    assert clean("a\x00b\x07c\x1bd\x85e\ud800f\uffff") == "abcdef"
    assert clean("a\r\nb\rc\td") == "a\nb\nc d"


def test_emotion_classes_are_valid_css_names():
    assert [emotion_class(e) for e in (-2, -1, 0, 1, 2, None)] == [
        "cjm-emotion-m2", "cjm-emotion-m1", "cjm-emotion-0", "cjm-emotion-1", "cjm-emotion-2",
        "cjm-emotion-none"]


def test_escaped_strings_round_trip_through_real_dot(tmp_path):
    """Random nasty text as tooltip, URL, and label comes out of `dot` exactly as it went in."""
    alphabet = list('\\"<>&;[]{}|=-#%\'`$ \n') + list("aZ09") + ["&amp;", "&#92;", "\\N", "\\G",
                                                               "\\n", "\\\\", "😀", "中", "ש"]
    chooser = random.Random(1234)
    samples = ["".join(chooser.choice(alphabet) for _ in range(chooser.randint(1, 14)))
               for _ in range(300)]
    samples += ["\\", "\\\\", '"', '\\"', "&", "&amp;", "\\N", "a\\", "x\n\ny"]
    lines = ["digraph g {"]
    for n, sample in enumerate(samples):
        label = html_label(html_lines([one_line(sample) or "-"]))
        lines.append(f"n{n} [id={dot_string(f'n{n}')} label={label} "
                     f"tooltip={dot_string(sample)} URL={dot_url(sample)}]")
    svg = render_svg(tmp_path, "\n".join(lines + ["}"]) + "\n")
    groups = node_groups(ET.fromstring(svg))
    for n, sample in enumerate(samples):
        group = groups[f"n{n}"]
        anchor = next(group.iter(f"{SVG}a"))
        assert anchor.get(f"{XLINK}title") == re.sub(" +", " ", clean(sample))
        assert unquote(anchor.get(f"{XLINK}href")) == clean(sample)
        assert texts(group) == [one_line(sample) or "-"]


# --- DOT from maps --------------------------------------------------------------------


def test_hostile_text_cannot_add_nodes_or_edges(tmp_path):
    (loaded,) = load_maps(tmp_path, hostile_map())
    dot = journey_dot(loaded, stage_url("hostile"))
    result = subprocess.run(["dot", "-Tjson0"], input=dot.encode(), capture_output=True, check=True)

    graph = json.loads(result.stdout)
    names = [node["name"] for node in graph["objects"] if "nodes" not in node]
    stages = loaded.map.stages
    touchpoints = sum(len(stage.touchpoints) for stage in stages)
    lanes = len(loaded.map.lanes)  # both lanes have items; a lane without any has no row
    # Stages, touchpoints, a name and a cell per stage for each lane, the lane-name column's
    # corner, and the legend.
    assert len(names) == len(stages) + touchpoints + lanes + lanes * len(stages) + 1 + 1
    assert not {"a", "b", "c", "d", "x", "y"} & set(names)
    assert all(name.startswith(("Stage ", "Lane ", "Legend")) for name in names)


def test_journey_dot_is_deterministic(tmp_path):
    first = journey_dot(load_maps(tmp_path / "a", hostile_map())[0], stage_url("hostile"))
    second = journey_dot(load_maps(tmp_path / "b", hostile_map())[0], stage_url("hostile"))
    assert first == second


def test_journey_svg_shows_hostile_text_as_text(tmp_path):
    (loaded,) = load_maps(tmp_path, hostile_map())
    made: list[str] = []

    def url(stage: str) -> str:
        made.append(f"../hostile/{stage}/?a=1&b=\"2\"#x")
        return made[-1]

    svg = render_svg(tmp_path, journey_dot(loaded, url))
    assert "<!--" not in svg and "<?xml" not in svg
    root = ET.fromstring(svg)  # well-formed XML
    assert not [el for el in root.iter() if el.tag.lower().endswith(("script", "foreignobject"))]
    groups = node_groups(root)
    for number, stage in enumerate(loaded.map.stages, start=1):
        header = groups[f"stage-{number}"]
        assert " ".join(texts(header)).startswith(" ".join(wrap(stage.name, STAGE_WRAP, 3)))
        assert "cjm-stage" in header.get("class")
        assert emotion_class(stage.emotion) in header.get("class")
        for position, touchpoint in enumerate(stage.touchpoints, start=1):
            group = groups[f"touchpoint-{number}-{position}"]
            assert texts(group)[: len(wrap(touchpoint.name, NAME_WRAP, 4))] == wrap(touchpoint.name, NAME_WRAP, 4)
            tip = tooltip(group)
            assert tip.startswith(one_line(touchpoint.name))
            assert tip.endswith(one_line(touchpoint.description))
            assert f"cjm-touchpoint {emotion_class(touchpoint.emotion)}" in group.get("class")
            fill = next(group.iter(f"{SVG}path")).get("fill")
            assert fill == EMOTION_FILL[touchpoint.emotion]
    # The raw text survives in the tooltips too: markup characters are text, not elements.
    tips = "\n".join(a.get(f"{XLINK}title") or "" for a in root.iter(f"{SVG}a"))
    for text in HOSTILE:
        assert f"About: {one_line(text)}" in tips
    assert "<script>alert('x')</script>" in tips and "&amp; &lt; &#65; &nbsp; & ;" in tips
    # `"` is not allowed in a URL: it arrives percent-encoded, the rest as given.
    assert {unquote(h) for h in hrefs(root)} == set(made) and len(set(made)) == 3
    assert "../hostile/first/?a=1&b=%222%22#x" in hrefs(root)
    lane_group = groups["lane-cx-1"]
    assert texts(lane_group) == ['• item "quoted"', "• {braces}"]
    assert tooltip(lane_group).startswith("CX & <b>ops</b> at Stage")


def test_journey_svg_titles_and_legend(tmp_path):
    (loaded,) = load_maps(tmp_path, hostile_map())
    svg = render_svg(tmp_path, journey_dot(loaded, stage_url("hostile")))
    root = ET.fromstring(svg)
    title = root.find(f"{SVG}title")
    # Names can't hold a backslash before a quote in DOT: a look-alike stands in for it.
    assert title.text == 'Customer journey of Hostile "persona" <i>\u29f5</i>'
    assert root.get("aria-labelledby") == title.get("id") == "d-title"
    assert root.get("role") == "group"  # it has links, which role="img" would hide
    groups = node_groups(root)
    # Graphviz's own names of parts ("cluster_stage_1", "Stage 1: …") stay out of the page,
    # where they would be hover text and search words; the tooltip names the stage.
    assert groups["stage-1"].find(f"{SVG}title") is None
    assert not [t.text for t in root.iter(f"{SVG}title") if t.get("id") != "d-title"]
    assert tooltip(groups["stage-1"]).startswith('Stage "]; x -> y')
    legend = " ".join(texts(groups["legend"]))
    for word in ("very negative", "negative", "neutral", "positive", "very positive", "not set"):
        assert word in legend


def test_journey_without_lanes_has_no_lane_nodes(tmp_path):
    (loaded,) = load_maps(tmp_path, simple_map("ann", [0, 1, -1]))
    dot = journey_dot(loaded, stage_url("ann"))
    assert "cjm-lane" not in dot
    groups = node_groups(ET.fromstring(render_svg(tmp_path, dot)))
    assert sorted(groups) == ["legend", "stage-1", "stage-2", "stage-3",
                              "touchpoint-1-1", "touchpoint-2-1", "touchpoint-3-1"]


def _centre_x(group: ET.Element) -> float:
    xs = [float(v) for el in group.iter() for v in re.findall(r"[-\d.]+", el.get("points") or "")[::2]]
    path = next(group.iter(f"{SVG}path"), None)
    if path is not None:
        xs += [float(x) for x in re.findall(r"(-?[\d.]+),", path.get("d"))]
    return (min(xs) + max(xs)) / 2


def test_journey_stages_go_left_to_right_with_touchpoints_under_them(tmp_path):
    (loaded,) = load_maps(tmp_path, hostile_map())
    groups = node_groups(ET.fromstring(render_svg(tmp_path, journey_dot(loaded, stage_url("h")))))
    xs = [_centre_x(groups[f"stage-{n}"]) for n in (1, 2, 3)]
    assert xs == sorted(xs)
    for position in range(1, 7):
        assert abs(_centre_x(groups[f"touchpoint-1-{position}"]) - xs[0]) < 2
    assert abs(_centre_x(groups["lane-prod-3"]) - xs[2]) < 2


def _box(group: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a node's or cluster's outline, in SVG units."""
    shape = next(el for el in group.iter() if el.tag in (f"{SVG}path", f"{SVG}polygon"))
    numbers = [float(v) for v in re.findall(r"-?[\d.]+", shape.get("d") or shape.get("points"))]
    xs, ys = numbers[::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _clusters(root: ET.Element, prefix: str = "d-") -> dict[str, ET.Element]:
    return {g.get("id").removeprefix(prefix): g for g in root.iter(f"{SVG}g")
            if "cluster" in (g.get("class") or "").split()}


def test_journey_grid_has_one_header_height_equal_columns_and_lanes_in_their_column(tmp_path):
    project = example_project()
    channels = {c.id: c.label for c in project.vocabulary.channels}
    loaded = project.by_id("brand-manager")
    root = ET.fromstring(render_svg(tmp_path, journey_dot(loaded, stage_url("b"), channels)))
    groups, clusters = node_groups(root), _clusters(root)
    stages = loaded.map.stages
    heads = [_box(groups[f"stage-{n}"]) for n in range(1, len(stages) + 1)]
    assert max(h[3] - h[1] for h in heads) - min(h[3] - h[1] for h in heads) < 0.5
    assert max(h[1] for h in heads) - min(h[1] for h in heads) < 0.5, "headers start at one height"
    columns = [_box(clusters[f"stage-column-{n}"]) for n in range(1, len(stages) + 1)]
    widths = [right - left for left, _, right, _ in columns]
    assert max(widths) - min(widths) < 1, widths
    for lane in loaded.map.lanes:
        tops = set()
        for number, stage in enumerate(stages, start=1):
            left, top, right, _ = _box(groups[f"lane-{lane.id}-{number}"])
            column = columns[number - 1]
            assert column[0] <= left and right <= column[2], (lane.id, number)
            tops.add(round(top))
    # Channels by their vocabulary name; every text at 12 pt or more.
    shown = " ".join(texts(root))
    assert "Word of mouth" in shown and "word-of-mouth" not in shown
    sizes = {float(t.get("font-size")) for t in root.iter(f"{SVG}text")}
    assert min(sizes) >= 12, sizes


def test_journey_pain_badges_take_the_worst_severity_and_the_legend_lists_what_is_used(tmp_path):
    (loaded,) = load_maps(tmp_path, {
        "persona": {"name": "P", "id": "p"},
        "stages": [
            {"id": "a", "name": "A", "emotion": 1, "pain_points": [
                "unrated", {"text": "low", "severity": "low"}, {"text": "worst", "severity": "medium"}]},
            {"id": "b", "name": "B", "emotion": 1, "pain_points": ["only unrated"]},
            {"id": "c", "name": "C", "emotion": -2},
        ],
    })
    root = ET.fromstring(render_svg(tmp_path, journey_dot(loaded, stage_url("p"))))
    groups = node_groups(root)
    fills = lambda g: {p.get("fill") for p in g.iter() if p.get("fill")}  # noqa: E731
    assert SEVERITY_FILL["medium"] in fills(groups["stage-1"]) and "3 pain points" in " ".join(texts(groups["stage-1"]))
    assert SEVERITY_FILL["none"] in fills(groups["stage-2"])
    assert not set(SEVERITY_FILL.values()) & fills(groups["stage-3"])
    legend = " ".join(texts(groups["legend"]))
    assert "+1 positive" in legend and "−2 very negative" in legend
    for unused in ("neutral", "negative (", "+2", "not set", "high", " low"):
        assert unused not in legend.replace("very negative", ""), unused
    assert "medium" in legend and "not rated" in legend


# --- the example maps -------------------------------------------------------------------


def example_dots(project: Project) -> dict[str, str]:
    vocabulary = project.vocabulary
    dots = {}
    channels = {c.id: c.label for c in vocabulary.channels} if vocabulary else {}
    for loaded in project.maps:
        url = stage_url(loaded.id)
        dots[f"{loaded.id}.journey.dot"] = journey_dot(loaded, url, channels)
    return dots


def test_golden_dot_for_example_maps():
    dots = example_dots(example_project())
    for name, text in dots.items():
        check_golden(name, text)
    if not UPDATE:
        stale = {p.name for p in GOLDEN.glob("*.dot")} - set(dots)
        assert not stale, f"golden files without a map: {sorted(stale)}; delete them"


def test_example_maps_render_with_every_touchpoint_and_link(tmp_path):
    project = example_project()
    dots = example_dots(project)
    renderer = Renderer(tmp_path / "cache")
    results = renderer.render_all(
        RenderRequest(name, dot, id_prefix=re.sub(r"\W", "-", name) + "-") for name, dot in dots.items())
    assert renderer.runs == len(dots)
    for loaded in project.maps:
        made = {stage_url(loaded.id)(stage.id) for stage in loaded.map.stages}
        for kind in ("journey",):
            name = f"{loaded.id}.{kind}.dot"
            result = results[name]
            assert result.error is None, f"{loaded.source.display}: {result.error}"
            assert "\n\n" not in result.svg
            root = ET.fromstring(result.svg)
            assert set(hrefs(root)) <= made
            if kind == "journey":
                assert set(hrefs(root)) == made
                shown = "\n".join(texts(root))
                for stage in loaded.map.stages:
                    for touchpoint in stage.touchpoints:
                        for line in wrap(touchpoint.name, NAME_WRAP, 4):
                            assert line in shown, (loaded.id, touchpoint.name)
    # Several diagrams on one page never share an id.
    ids = [el.get("id") for r in results.values() for el in ET.fromstring(r.svg).iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_diagrams_core_does_not_import_mkdocs():
    package = REPO / "plugins" / "cjm_plugin" / "diagrams"
    for path in package.glob("*.py"):
        imports = [line for line in path.read_text("utf-8").splitlines()
                   if line.lstrip().startswith(("import ", "from "))]
        assert not [line for line in imports if "mkdocs" in line], path.name


def test_journey_marks_moments_of_truth_in_the_header_and_tooltip(tmp_path):
    data = simple_map("ann", [0, -1, 1])
    data["stages"][1]["moment_of_truth"] = True
    (loaded,) = load_maps(tmp_path, data)
    groups = node_groups(ET.fromstring(render_svg(tmp_path, journey_dot(loaded, stage_url("ann")))))
    assert "\u2605 Moment of truth" in texts(groups["stage-2"])
    assert "Moment of truth" in tooltip(groups["stage-2"])
    for other in ("stage-1", "stage-3"):
        assert not any("Moment of truth" in t for t in texts(groups[other]))
        assert "Moment of truth" not in tooltip(groups[other])


def test_future_state_is_named_once_in_the_journey_title(tmp_path):
    named = simple_map("shopper", [0, 1], name="Shopper (future state)")
    plain = simple_map("buyer", [0, 1], name="Buyer")
    for data in (named, plain):
        data["state"] = "future"
    loaded = {m.id: m for m in load_maps(tmp_path, named, plain)}
    assert '"Customer journey of Shopper (future state)"' in journey_dot(loaded["shopper"], stage_url("s"))
    assert '"Customer journey of Buyer (future state)"' in journey_dot(loaded["buyer"], stage_url("b"))
