"""The YAML writer of `cjm import`: what it writes reads back, through cjm's own loader, as
exactly the text that was imported, and looks like what a person would write."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from cjm_plugin.interop.yaml_writer import Commented, dump, in_model_order, scalar_lines
from cjm_plugin.load import SourceFile, load_map
from cjm_plugin.model import JourneyMap
from cjm_plugin.yaml_source import parse

TRICKY = [
    "NO", "no", "yes", "On", "off", "y", "1:30", "12:30:45", "0x1F", "0o17", "1e3", "1_000",
    "3.14", "-1", "+1", ".inf", "-.Inf", ".nan", "null", "~", "", " ", "2024-05-01",
    "#", "# comment", "a #b", "a# b", "- item", "-", "--- x", "...", ": x", "a: b", "a:b",
    "? x", "?x", "@handle", "`code`", "%TAG", "!tag", "&anchor", "*alias", "*Really* slow",
    "[a, b]", "{a: b}", "'single'", '"double"', "a'b", 'a"b', "back\\slash", "|", ">",
    " leading", "trailing ", "tab\there", "line\nbreak", "two\n\nparagraphs\n", "end\n\n",
    "😀 emoji", "中文：全角冒号", "客服热线一直占线: 等了四十分钟", "Ünal — “quotes”",
    "\u2028", "x\u2029y", "nel\x85here", "\ufeffbom", "bell\x07", "del\x7f", "\x00nul",
    "<<", "=", "!!str x", "%", "50% off", "a,b", "\u00a0nbsp", "e\u0301 combining",
]


def _map(text: str) -> dict:
    return {
        "persona": {"name": text or "x", "profile": {text or "k": text}},
        "stages": [Commented({"name": "Stage", "actions": [text], "feeling": text,
                              "touchpoints": [{"name": "T", "description": text}]},
                             comments=[text])],
    }


def _as_text(data):
    if isinstance(data, dict):
        return {k: _as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_text(v) for v in data]
    return str(data)


def test_tricky_scalars_read_back_exactly():
    for text in TRICKY:
        data = _map(text)
        written = dump(data)
        assert parse(written)[0] == _as_text(data), (text, written)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_text_reads_back_exactly(text):
    data = _map(text)
    assert parse(dump(data))[0] == _as_text(data)


@settings(max_examples=100, deadline=None)
# A name needs a character one can see (the loader refuses a blank one).
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
       .filter(lambda t: any(ch.isprintable() and not ch.isspace() for ch in t)),
       st.integers(-2, 2), st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_a_written_map_validates_with_the_same_values(tmp_path_factory, text, emotion, value):
    data = in_model_order(JourneyMap, {
        "stages": [{"touchpoints": [{"emotion": emotion, "name": text}], "name": text,
                    "metrics": [{"value": value, "name": text}]}],
        "persona": {"name": text, "id": "p"},
    })
    path = tmp_path_factory.mktemp("maps") / "p.yml"
    path.write_text(dump(data), encoding="utf-8")
    loaded, messages = load_map(SourceFile(path, "p.yml"))
    assert messages == []
    stage = loaded.map.stages[0]
    assert (loaded.map.persona.name, stage.name, stage.touchpoints[0].name) == (text, text, text)
    assert stage.touchpoints[0].emotion == emotion
    assert stage.metrics[0].value == value


def test_looks_like_a_person_wrote_it():
    data = in_model_order(JourneyMap, {
        "stages": [Commented({
            "touchpoints": [Commented({"emotion": -1, "name": "Checkout", "channel": "web"},
                                      comments=["Duration: 4 min"])],
            "id": "purchase", "name": "Purchase", "emotion": 0,
            "description": "Two lines:\nfirst, then second.",
            "pain_points": ["Surprise fees", {"severity": "high", "text": "Forced sign-up"}],
        })],
        "persona": {"id": "maja", "name": "Maja", "profile": {"Country": "NO", "Start": "1:30"}},
        "state": "current",
    })
    assert dump(data, "# yaml-language-server: $schema=x", ["Imported from x.csv"]) == textwrap.dedent("""\
        # yaml-language-server: $schema=x
        # Imported from x.csv
        persona:
          name: Maja
          id: maja
          profile:
            Country: "NO"
            Start: "1:30"
        state: current
        stages:
          - name: Purchase
            id: purchase
            description: |-
              Two lines:
              first, then second.
            emotion: 0
            touchpoints:
              # Duration: 4 min
              - name: Checkout
                channel: web
                emotion: -1
            pain_points:
              - Surprise fees
              - text: Forced sign-up
                severity: high
        """)


def test_scalar_styles():
    assert scalar_lines("plain text") == ("plain text", [])
    assert scalar_lines("NO") == ('"NO"', [])
    assert scalar_lines("a: b") == ('"a: b"', [])
    assert scalar_lines("x\ny\n") == ("|", ["x", "y"])
    assert scalar_lines("\u2028") == ('"\\u2028"', [])
    assert scalar_lines(6.5) == ("6.5", [])
    assert scalar_lines(10.0) == ("10", [])
