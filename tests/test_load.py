"""The loader: YAML text -> a validated map, or `maps/FILE.yml:LINE:COL: message`.

One broken map per check, each asserting the exact line and column (1-based, as editors
count) and the part of the message that tells the writer what to do.
"""

from __future__ import annotations

import json
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm_plugin import yaml_source
from cjm_plugin.diagnostics import Diagnostic
from cjm_plugin.load import SourceFile, load_map
from cjm_plugin.yaml_source import MAX_DEPTH, MAX_FILE_BYTES

from helpers_maps import FULL, MINIMAL, assert_message, dedent, load, messages, only_message

HEAD = "persona:\n  name: Ann\n"  # lines 1-2 of most maps below


@pytest.fixture
def python_parser(monkeypatch):
    """Use PyYAML's pure-Python parser, as on installs without libyaml."""
    monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)


def stage(*lines: str) -> str:
    """A map whose first stage (line 4) has `lines` under it, from line 5 on."""
    return HEAD + "stages:\n  - name: Awareness\n" + "".join(f"    {line}\n" for line in lines)


# --- a valid map -----------------------------------------------------------------------


def test_full_map_loads_without_messages(tmp_path):
    project = load(tmp_path, {"renee.yml": FULL})
    assert project.diagnostics == []
    (loaded,) = project.maps
    assert loaded.id == "renee"
    assert loaded.map.stages[0].metrics[0].value == 12.5
    assert [p.text for p in loaded.map.stages[0].pain_points] == ["Too small", "Hard to read"]
    assert loaded.map.persona.name == "Renée Ünal"


def test_positions_point_at_keys_and_values(tmp_path):
    (loaded,) = load(tmp_path, {"renee.yml": FULL}).maps
    assert loaded.positions.of_key(("stages", 0, "touchpoints", 0, "channel")) == (29, 9)
    assert loaded.positions.of_value(("stages", 0, "touchpoints", 0, "channel")) == (29, 18)
    # A path with no value of its own falls back to its nearest parent.
    assert loaded.positions.of_value(("stages", 0, "nothing", 3)) == (19, 5)


# --- YAML syntax -----------------------------------------------------------------------


def test_tab_indentation(tmp_path):
    message = only_message(tmp_path, "bad.yml", "persona:\n\tname: Ann\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:2:1:", "YAML syntax error", "indent with spaces, not tabs")


def test_tab_inside_block(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("actions:", "\t- Reads"))
    assert_message(message, "maps/bad.yml:6:5:", "indent with spaces, not tabs")


def test_bad_indentation(tmp_path):
    message = only_message(tmp_path, "bad.yml", "persona:\n  name: Ann\n id: ann\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:2:", "YAML syntax error", "check the indentation")


def test_unclosed_double_quote_points_at_the_opening_quote(tmp_path):
    message = only_message(tmp_path, "bad.yml", 'persona:\n  name: "Ann\nstages:\n  - name: A\n')
    assert_message(message, "maps/bad.yml:2:9:", "quoted scalar", "close the quote")


def test_unclosed_single_quote_points_at_the_opening_quote(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("feeling: 'curious"))
    assert_message(message, "maps/bad.yml:5:14:", "close the quote")


def test_unclosed_flow_list_names_the_open_bracket(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "  goals: [a, b\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:4:7:", "close the `[` or `{` opened at line 3, column 10")


def test_question_mark_in_flow_list_is_kept_by_libyaml(tmp_path):
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    project = load(tmp_path, {"ann.yml": HEAD + "  goals: [Is it for me?]\nstages:\n  - name: A\n"})
    assert project.diagnostics == []
    assert project.maps[0].map.persona.goals == ["Is it for me?"]


def test_question_mark_in_flow_list_with_the_python_parser(tmp_path, python_parser):
    text = HEAD + "  goals: [Cheap, Is it for me?, Fast]\nstages:\n  - name: A\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(
        message, "maps/bad.yml:3:30:", "YAML syntax error", 'must be quoted: write "Is it for me?"'
    )


def test_tab_with_the_python_parser(tmp_path, python_parser):
    message = only_message(tmp_path, "bad.yml", "persona:\n\tname: Ann\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:2:1:", "indent with spaces, not tabs")


def test_colon_in_unquoted_text(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("feeling: Note: read this"))
    assert_message(message, "maps/bad.yml:5:18:", 'text with ": " must be quoted')


def test_more_than_one_document(tmp_path):
    message = only_message(tmp_path, "bad.yml", MINIMAL + "---\n" + MINIMAL)
    assert_message(message, "maps/bad.yml:5:1:", "expected a single document")


def test_undefined_alias(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "  summary: *nowhere\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:12:", "undefined alias", "must be quoted")


@pytest.mark.parametrize("parser", ["default", "python"])
def test_markdown_emphasis_at_the_start_of_text(tmp_path, monkeypatch, parser):
    if parser == "python":
        monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    message = only_message(tmp_path, "bad.yml", HEAD + "  summary: *Really* slow\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:19:", "text that starts with `*`, `&` or `!` must be quoted")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("parser", ["default", "python"])
def test_control_character(tmp_path, monkeypatch, parser, newline):
    # libyaml reports a byte offset, the Python reader a character index: both land on
    # the bell character, after the two-byte `é`.
    if parser == "python":
        monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    text = (HEAD + "  summary: é\x07b\nstages:\n  - name: A\n").replace("\n", newline)
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:3:13:", "unreadable YAML", "(U+0007)", "remove that character")


# --- unknown, missing and wrongly typed keys -------------------------------------------


def test_unknown_key_with_suggestion(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("touchpoint:", "  - name: Poster"))
    assert_message(message, "maps/bad.yml:5:5:", "unknown key `touchpoint` (did you mean `touchpoints`?)")


def test_unknown_nested_key_with_suggestion(tmp_path):
    text = stage("touchpoints:", "  - name: Poster", "    chanel: web")
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:7:9:", "unknown key `chanel` (did you mean `channel`?)")


def test_unknown_key_without_close_match_lists_the_known_keys(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "  xyzzy: 1\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:3:", "unknown key `xyzzy`; known keys here:", "`goals`")


def test_missing_required_key(tmp_path):
    message = only_message(tmp_path, "bad.yml", "persona:\n  id: ann\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:2:3:", "missing required key `name`; add `name: ...` here")


def test_missing_stage_name(tmp_path):
    text = HEAD + "stages:\n  - name: A\n  - id: second\n    emotion: 1\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:5:5:", "missing required key `name`")


def test_missing_stages(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD)
    assert_message(message, "maps/bad.yml:1:1:", "missing required key `stages`")


def test_empty_stages(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "stages: []\n")
    assert_message(message, "maps/bad.yml:3:9:", "`stages` is empty; add at least one item")


def test_text_instead_of_list(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "  goals: Find a seat\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:10:", "`goals` must be a list, not `Find a seat`", "`- `")


def test_list_instead_of_text(tmp_path):
    message = only_message(tmp_path, "bad.yml", "persona:\n  name: [Ann, Lee]\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:2:9:", "`name` must be text, not a list")


def test_mapping_item_in_a_text_list(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("actions:", "  - Reads", "  - {Looks: around}"))
    assert_message(message, "maps/bad.yml:7:9:", "each `actions` item must be text, not a mapping")


def test_text_instead_of_mapping(tmp_path):
    message = only_message(tmp_path, "bad.yml", "persona: Ann\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:1:10:", "`persona` must be a mapping of `key: value` lines")


def test_text_stage_instead_of_mapping(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "stages:\n  - Awareness\n")
    assert_message(message, "maps/bad.yml:4:5:", "each `stages` item must be a mapping")


def test_emotion_not_a_number(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("emotion: high"))
    assert_message(message, "maps/bad.yml:5:14:", "`emotion` must be a whole number, not `high`; use -2, -1, 0, 1 or 2")


def test_metric_value_with_unit(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("metrics:", "  - name: Drop-off", "    value: 12%"))
    assert_message(message, "maps/bad.yml:7:16:", "`value` must be a number, not `12%`", "`unit`")


def test_state_not_allowed(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "state: past\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:8:", "`state` must be 'current' or 'future', not `past`")


def test_severity_not_allowed(tmp_path):
    text = stage("pain_points:", "  - text: Slow", "    severity: huge")
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:7:19:", "`severity` must be 'low', 'medium' or 'high'")


def test_non_text_key(tmp_path):
    message = only_message(tmp_path, "bad.yml", "? [a]\n: b\n")
    assert_message(message, "maps/bad.yml:1:3:", "keys must be plain text")


# --- emotion range ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3", "-3", "99999999999999999999999999"])
def test_stage_emotion_out_of_range(tmp_path, value):
    message = only_message(tmp_path, "bad.yml", stage(f"emotion: {value}"))
    assert_message(message, "maps/bad.yml:5:14:", f"`emotion` is {value}, out of range", "from -2")


def test_touchpoint_emotion_out_of_range(tmp_path):
    text = stage("touchpoints:", "  - name: Poster", "    emotion: -5")
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:7:18:", "`emotion` is -5, out of range")


def test_emotion_not_whole(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("emotion: 1.5"))
    assert_message(message, "maps/bad.yml:5:14:", "`emotion` must be a whole number")


# --- ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, shown, suggestion",
    [
        ("a/b", "a/b", "a-b"),
        ("..", "..", "my-id"),
        ("../etc", "../etc", "etc"),
        ("has space", "has space", "has-space"),
        ("Ann", "Ann", "ann"),
        ("café", "café", "cafe"),
        ("ａｎｎ", "ａｎｎ", "ann"),  # fullwidth letters
        ("a--b", "a--b", "a-b"),
        ("-ann", "-ann", "ann"),
        ("ann\\n", "ann\\n", "ann"),  # a trailing newline must not pass the `$` of the pattern
    ],
)
def test_persona_id_not_a_safe_slug(tmp_path, value, shown, suggestion):
    message = only_message(tmp_path, "bad.yml", HEAD + f'  id: "{value}"\nstages:\n  - name: A\n')
    assert_message(
        message,
        "maps/bad.yml:3:7:",
        f"`{shown}` is not a safe id",
        f"(for example `{suggestion}`)",
    )


def test_stage_id_not_a_safe_slug(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("id: Foo/Bar"))
    assert_message(message, "maps/bad.yml:5:9:", "`Foo/Bar` is not a safe id", "`foo-bar`")


def test_lane_id_not_a_safe_slug(tmp_path):
    text = HEAD + "lanes:\n  - id: Ops Team\n    name: Ops\nstages:\n  - name: A\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:4:9:", "`Ops Team` is not a safe id", "`ops-team`")


def test_file_name_not_a_safe_persona_id(tmp_path):
    message = only_message(tmp_path, "Hotel Guest.yml", MINIMAL)
    assert_message(message, "maps/Hotel Guest.yml:1:1:", "rename the file to `hotel-guest.yml`", "`persona.id`")


def test_file_name_does_not_matter_when_the_id_is_set(tmp_path):
    project = load(tmp_path, {"Hotel Guest.yml": HEAD + "  id: guest\nstages:\n  - name: A\n"})
    assert project.diagnostics == []
    assert project.maps[0].id == "guest"


def test_default_persona_id_is_the_file_stem(tmp_path):
    project = load(tmp_path, {"hotel-guest.yml": MINIMAL})
    assert [m.id for m in project.maps] == ["hotel-guest"]


def test_default_stage_id_is_the_slug_of_the_name(tmp_path):
    text = HEAD + ("stages:\n  - name: Sign-up & pay!\n  - name: Café Straße\n  - name: 支付\n  - name: X\n"
                   "    id: own\n  - name: 认知 阶段\n  - name: \"🙂\"\n")
    project = load(tmp_path, {"ann.yml": text})
    assert project.diagnostics == []
    # Latin letters lose their accents; other scripts keep their letters (`stage-3` made
    # the stages of two personas one shared stage); no letter at all: a hash of the name.
    assert [s.id for s in project.maps[0].map.stages] == [
        "sign-up-pay", "cafe-strasse", "支付", "own", "认知-阶段", "stage-d06f1525"]


# --- links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link, part",
    [
        ("javascript:alert(1)", "link scheme `javascript:` is not allowed"),
        ("JaVaScRiPt:alert(1)", "link scheme `javascript:` is not allowed"),
        ("data:text/html,<script>x</script>", "link scheme `data:` is not allowed"),
        ("vbscript:x", "link scheme `vbscript:` is not allowed"),
        ("file:///etc/passwd", "link scheme `file:` is not allowed"),
        ("java\tscript:alert(1)", "link `java\\tscript:alert(1)` contains spaces or control characters"),
        ("java\nscript:alert(1)", "link `java\\nscript:alert(1)` contains spaces or control"),
        ("java\x01script:alert(1)", "link `java\\x01script:alert(1)` contains spaces or control"),
        (" javascript:alert(1)", "contains spaces or control characters"),
        ("https://example.com/a b", "encode spaces as %20"),
    ],
)
def test_unsafe_touchpoint_link(tmp_path, link, part):
    text = stage("touchpoints:", "  - name: Poster", f"    link: {json.dumps(link)}")
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:7:15:", part, "use an http(s) address" if "scheme" in part else "")
    assert "\t" not in message and "\n" not in message and "\x01" not in message


def test_unsafe_opportunity_link(tmp_path):
    text = stage("opportunities:", "  - text: QR code", "    link: 'javascript:x'")
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:7:15:", "link scheme `javascript:` is not allowed")


@pytest.mark.parametrize(
    "link", ["https://example.com/x?a=1#b", "http://example.com", "../docs/page.md", "/tickets/1", "page.md#top"]
)
def test_safe_links(tmp_path, link):
    text = stage("touchpoints:", "  - name: Poster", f"    link: {json.dumps(link)}")
    assert messages(tmp_path, {"ann.yml": text}) == []


# --- whole files -----------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "---\n", "--- ~\n", "--- # nothing\n..."])
def test_empty_file(tmp_path, content):
    message = only_message(tmp_path, "bad.yml", content)
    assert_message(message, "maps/bad.yml:1:1:", "the file is empty", "cjm new")


@pytest.mark.parametrize(
    # Text is not quoted: the file may be a symlink to a file that is not a map at all.
    "content, kind", [("- a\n- b\n", "a list"), ("hello\n", "text"), ("'42'\n", "text")]
)
def test_not_a_mapping(tmp_path, content, kind):
    message = only_message(tmp_path, "bad.yml", content)
    assert_message(message, "maps/bad.yml:1:1:", f"the file must be a mapping of `key: value` lines, not {kind}")


def test_latin1_file_points_at_the_first_bad_byte(tmp_path):
    content = (HEAD + "  summary: Renée\nstages:\n  - name: A\n").encode("latin-1")
    message = only_message(tmp_path, "bad.yml", content)
    assert_message(message, "maps/bad.yml:3:15:", "not UTF-8 (byte 0xe9)", "save it as UTF-8")


def test_utf16_file(tmp_path):
    message = only_message(tmp_path, "bad.yml", MINIMAL.encode("utf-16"))
    assert_message(message, "maps/bad.yml:1:1:", "not UTF-8 but UTF-16", "save it as UTF-8")


def test_column_after_multibyte_characters_counts_characters(tmp_path):
    content = "persona:\n  name: Zoë\n  summary: ü".encode() + b"\xff\nstages:\n  - name: A\n"
    message = only_message(tmp_path, "bad.yml", content)
    assert_message(message, "maps/bad.yml:3:13:", "byte 0xff")


@pytest.mark.parametrize("parser", ["default", "python"])
def test_columns_count_characters_not_bytes(tmp_path, monkeypatch, parser):
    if parser == "python":
        monkeypatch.setattr(yaml_source, "_Loader", yaml.SafeLoader)
    text = "persona: {name: 支付支付, id: ann}\nstages: [{name: éé, emotion: 5}]\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, "maps/bad.yml:2:30:", "`emotion` is 5")


def test_bom_is_allowed_and_positions_stay_right(tmp_path):
    message = only_message(tmp_path, "bad.yml", b"\xef\xbb\xbf" + stage("emotion: 5").encode())
    assert_message(message, "maps/bad.yml:5:14:", "`emotion` is 5, out of range")
    assert messages(tmp_path, {"bad.yml": b"\xef\xbb\xbf" + MINIMAL.encode()}) == []


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings(tmp_path, newline):
    content = stage("emotion: 5").replace("\n", newline)
    message = only_message(tmp_path, "bad.yml", content)
    assert_message(message, "maps/bad.yml:5:14:", "`emotion` is 5")
    assert "\r" not in message


def test_crlf_values_keep_no_carriage_return(tmp_path):
    project = load(tmp_path, {"ann.yml": (HEAD + "  summary: Hi\nstages:\n  - name: A\n").replace("\n", "\r\n")})
    assert project.maps[0].map.persona.summary == "Hi"


def test_duplicate_key(tmp_path):
    message = only_message(tmp_path, "bad.yml", HEAD + "  name: Bob\nstages:\n  - name: A\n")
    assert_message(message, "maps/bad.yml:3:3:", "duplicate key `name` (first at line 2)", "remove or rename")


def test_duplicate_key_deep(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("emotion: 1", "feeling: ok", "emotion: 2"))
    assert_message(message, "maps/bad.yml:7:5:", "duplicate key `emotion` (first at line 5)")


def test_merge_key_keeps_explicit_keys(tmp_path):
    text = "persona: &p\n  name: Ann\n  id: ann\nstages:\n  - name: A\n"
    text += "  - <<: {name: B, emotion: 1}\n    name: Bee\n"
    project = load(tmp_path, {"ann.yml": text})
    assert project.diagnostics == []
    assert [(s.name, s.emotion) for s in project.maps[0].map.stages] == [("A", None), ("Bee", 1)]


# --- YAML 1.1 traps: text stays what the writer typed ----------------------------------


def test_yaml_11_scalars_stay_text(tmp_path):
    text = dedent(
        """
        persona:
          name: NO
          summary: 1:30
          quote: yes
          profile:
            Country: NO
            Start: 1:30
            Zip: 0123
            Off: off
            Date: 2024-01-02
            Version: 1.10
            Hex: 0x1F
        stages:
          - name: on
            feeling: ~
            thoughts: [true, 1e3, .inf]
        """
    )
    project = load(tmp_path, {"ann.yml": text})
    assert project.diagnostics == []
    persona = project.maps[0].map.persona
    assert persona.name == "NO"
    assert persona.summary == "1:30"
    assert persona.quote == "yes"
    assert persona.profile == {
        "Country": "NO",
        "Start": "1:30",
        "Zip": "0123",
        "Off": "off",
        "Date": "2024-01-02",
        "Version": "1.10",
        "Hex": "0x1F",
    }
    first = project.maps[0].map.stages[0]
    assert (first.name, first.id, first.feeling) == ("on", "on", None)
    assert first.thoughts == ["true", "1e3", ".inf"]


@pytest.mark.parametrize("null", ["~", "null", "Null", "NULL", ""])
def test_plain_null_is_no_value(tmp_path, null):
    # libyaml marks plain scalars with style "" (the Python parser with None): both are plain.
    project = load(tmp_path, {"ann.yml": stage(f"emotion: {null}", f"feeling: {null}")})
    assert project.diagnostics == []
    assert (project.maps[0].map.stages[0].emotion, project.maps[0].map.stages[0].feeling) == (None, None)


def test_quoted_null_is_text(tmp_path):
    project = load(tmp_path, {"ann.yml": stage('feeling: "~"', "objective: 'null'")})
    assert (project.maps[0].map.stages[0].feeling, project.maps[0].map.stages[0].objective) == ("~", "null")


def test_null_handling_is_the_same_with_the_python_parser(tmp_path, python_parser):
    project = load(tmp_path, {"ann.yml": stage("emotion: ~", "feeling:")})
    assert project.diagnostics == []
    assert project.maps[0].map.stages[0].emotion is None


def test_messages_stay_on_one_line(tmp_path):
    text = "persona: |\n  Ann\n  Lee\nstages:\n  - name: A\n    feeling: x\n    \"a\\nb\": 1\n"
    found = messages(tmp_path, {"bad.yml": text})
    assert found == [
        "maps/bad.yml:1:10: `persona` must be a mapping of `key: value` lines, not `Ann\\nLee\\n`",
        "maps/bad.yml:7:5: unknown key `a\\nb`; known keys here: `actions`, `confidence`,"
        " `description`, `emotion`, `evidence`, `feeling`, `id`, `lanes`, `metrics`,"
        " `moment_of_truth`, `name`, `objective`, `opportunities`, `pain_points`,"
        " `thoughts`, `touchpoints`",
    ]


def test_long_values_are_shortened_in_messages(tmp_path):
    message = only_message(tmp_path, "bad.yml", stage("emotion: " + "x" * 5000))
    assert_message(message, "maps/bad.yml:5:14:", "must be a whole number, not `" + "x" * 60 + "…`")
    message = only_message(tmp_path, "bad.yml", stage("emotion: " + "9" * 5000))
    assert_message(message, "maps/bad.yml:5:14:", "`emotion` is far too large a number")


def test_python_tags_are_not_constructed(tmp_path):
    text = HEAD + "  summary: !!python/object/apply:os.system [echo hacked]\nstages:\n  - name: A\n"
    message = only_message(tmp_path, "bad.yml", text)
    # The tag is ignored: the value is a plain list, and a list is not text.
    assert_message(message, "maps/bad.yml:3:12:", "`summary` must be text, not a list")


# --- limits: alias bombs, nesting, size -------------------------------------------------


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels):
        refs = ", ".join([f"*a{n - 1}"] * 10)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_rejected_quickly(tmp_path):
    start = time.perf_counter()
    message = only_message(tmp_path, "bad.yml", _alias_bomb())
    assert time.perf_counter() - start < 2
    # The count runs out inside the first list, which every alias expands again.
    assert_message(message, "maps/bad.yml:1:37:", "an alias bomb?", "remove the repeated `*alias`")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 1_000, 100_000])
def test_deep_flow_nesting_is_rejected_quickly(tmp_path, depth):
    # 50,000 `[` used to crash the interpreter inside libyaml's recursive composer.
    start = time.perf_counter()
    message = only_message(tmp_path, "bad.yml", "a: " + "[" * depth + "]" * depth + "\n")
    assert time.perf_counter() - start < 2
    assert_message(message, f"maps/bad.yml:1:{4 + MAX_DEPTH}:", f"at most {MAX_DEPTH} levels")


@pytest.mark.parametrize("text, at", [
    # Brackets in quoted text do not count; the first node past the limit is the 39th `[`
    # (3 open mappings and a list above it), whatever PyYAML's own libyaml limit is.
    ('a: "[[[[ {{{ é"\nb:\n  - c: ' + "[" * 2_000 + "\n", "3:46"),
    ("".join("  " * i + f"k{i}:\n" for i in range(30)) + "  " * 30 + "v: " + "[" * 3_000 + "\n",
     "31:74"),
])
def test_deep_flow_nesting_is_placed_at_the_first_node_past_the_limit(tmp_path, text, at):
    message = only_message(tmp_path, "bad.yml", text)
    assert_message(message, f"maps/bad.yml:{at}:", f"nested too deeply; maps need at most {MAX_DEPTH}")


def test_a_syntax_error_before_deep_flow_nesting_is_reported_first(tmp_path):
    message = only_message(tmp_path, "bad.yml", "a: [x, y: z: w, " + "[" * 2_000 + "\n")
    assert_message(message, "maps/bad.yml:1:12:", "YAML syntax error", "close the `[`")


def test_deep_block_nesting_is_rejected(tmp_path):
    text = "".join("  " * level + f"k{level}:\n" for level in range(200))
    message = only_message(tmp_path, "bad.yml", text)
    # The first key inside MAX_DEPTH + 1 open mappings: `k40` on line 41, column 81.
    line = MAX_DEPTH + 1
    assert_message(message, f"maps/bad.yml:{line}:{2 * MAX_DEPTH + 1}:", f"at most {MAX_DEPTH} levels")


def test_deep_nesting_with_the_python_parser(tmp_path, python_parser):
    message = only_message(tmp_path, "bad.yml", "a: " + "{a: " * 50_000 + "\n")
    # `a: ` then `{a: ` repeated: the key `a` inside the 40th `{` is the first one too deep.
    assert_message(message, f"maps/bad.yml:1:{4 + 4 * (MAX_DEPTH - 1) + 1}:", "nested too deeply")


def test_nesting_at_the_limit_is_fine(tmp_path):
    # persona.profile.<key> is at depth 3; a map never needs more than a handful of levels.
    text = HEAD + "  goals: " + "[" * (MAX_DEPTH - 2) + "x" + "]" * (MAX_DEPTH - 2) + "\nstages:\n  - name: A\n"
    message = only_message(tmp_path, "bad.yml", text)
    assert "nested too deeply" not in message  # the structure is wrong, but it was read


def test_file_over_the_size_limit(tmp_path):
    content = stage("description: '" + "x" * MAX_FILE_BYTES + "'")
    message = only_message(tmp_path, "big.yml", content)
    assert_message(message, "maps/big.yml:1:1:", "over the 2 MiB limit", "split it")


# --- no traceback, whatever the input ----------------------------------------------------

NASTY = {
    "random bytes": bytes(range(256)) * 3,
    "nul byte": b"persona:\n  name: A\x00nn\nstages:\n  - name: A\n",
    "only nul": b"\x00",
    "lone bom": b"\xef\xbb\xbf",
    "truncated utf8": b"persona:\n  name: \xe2\x82",
    "python object": "!!python/object:os.system\nargs: [ls]\n",
    "python apply": "persona: !!python/object/apply:os.system ['ls']\nstages: [{name: A}]\n",
    "python name tag": "!!python/name:os.system\n",
    "undefined alias": "*undefined_alias\n",
    "undefined alias in value": "persona: *p\n",
    "open bracket": "[",
    "open brace": "{",
    "mismatched": "{a: [}",
    "two documents": "---\n---\n",
    "document end only": "...\n...\n",
    "directive": "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
    "tabs": "\t\t\t\n\tpersona:\n",
    "tab key": "persona:\n\t- name\n",
    "huge int": "persona:\n  name: Ann\nstages:\n  - name: A\n    emotion: " + "9" * 5000 + "\n",
    "huge float": "persona:\n  name: Ann\nstages:\n  - name: A\n    emotion: 1e99999\n",
    "deep nesting": "[" * 5000,
    "deep braces": "{a:" * 5000,
    "alias bomb": _alias_bomb(),
    "key is a list": "? [a, b]\n: c\n",
    "key is a mapping": "{a: 1}: 2\n",
    "merge of a list of text": "a:\n  <<: [x, y]\n",
    "merge of a scalar": "<<: x\n",
    "binary tag": "persona: !!binary aGVsbG8=\nstages: []\n",
    "anchor on key": "&a persona: *a\n",
    "only a dash": "-\n",
    "only a colon": ":\n",
    "lone question mark": "?\n",
    "block scalar": "persona: |\n  Ann\nstages: >\n  x\n",
    "persona list": "persona: [name, Ann]\nstages: {name: A}\n",
    "stages as text": "persona: {name: Ann}\nstages: Awareness\n",
    "lanes as text": "persona: {name: Ann}\nlanes: cx\nstages: [{name: A, lanes: {cx: x}}]\n",
    "emotion mapping": "persona: {name: Ann}\nstages: [{name: A, emotion: {a: 1}}]\n",
    "unicode line separators": "persona:\u2028  name: Ann\u2029stages: \x85\n",
    "surrogate escape": 'persona: {name: "\\ud800"}\nstages: [{name: A}]\n',
    "escape nonsense": 'persona: {name: "\\q"}\n',
    "very long line": "a: " + "x" * 200_000 + "\n",
    "cr only": "persona:\r  name: Ann\r\tstages:\r",
    "utf-32": "persona: {name: Ann}".encode("utf-32"),
}


@pytest.mark.parametrize("content", list(NASTY.values()), ids=list(NASTY))
def test_malformed_input_gives_a_message_not_a_traceback(tmp_path, content):
    project = load(tmp_path, {"nasty.yml": content})
    assert project.errors, "a broken map must give at least one error"
    for diagnostic in project.diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.file == "maps/nasty.yml"
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.message and "Traceback" not in diagnostic.message
        assert "\n" not in str(diagnostic) and "\r" not in str(diagnostic)


_YAMLISH = st.text(alphabet=" \t\n\r-:?,[]{}#&*!|>'\"%@`~abnoyes019.\x00\x85\ufeffé", max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(_YAMLISH, st.binary(max_size=60)))
def test_any_input_gives_a_map_or_messages(tmp_path, content):
    path = tmp_path / "fuzz.yml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    loaded, diagnostics = load_map(SourceFile(path, "maps/fuzz.yml"))
    assert (loaded is None) == bool(diagnostics)
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
