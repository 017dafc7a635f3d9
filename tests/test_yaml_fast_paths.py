"""The loader's shortcuts (see yaml_source.py) change nothing but speed."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm_plugin import yaml_source
from cjm_plugin.yaml_source import MAX_DEPTH, SourceError, parse


def _depth(text: str) -> int:
    """The deepest number of open collections at any node, as `_check_depth` counts."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
            deepest = max(deepest, depth)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


_leaf = st.text(alphabet="ab -:?[]{}&!*#|>'\"\n", max_size=6)
_data = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), inner, max_size=3),
                     max_leaves=60)


@settings(max_examples=400, deadline=None)
@given(_data, st.sampled_from([None, False, True]), st.integers(2, 5))
def test_depth_bound_never_lets_a_deep_document_through(data, flow, indent):
    text = yaml.safe_dump(data, default_flow_style=flow, indent=indent, width=30)
    if not yaml_source._may_nest_too_deeply(text):
        assert _depth(text) <= MAX_DEPTH


def test_depth_bound_counts_compact_forms_anchors_and_tags():
    compact = "- " * 45 + "x\n"
    assert _depth(compact) > MAX_DEPTH and yaml_source._may_nest_too_deeply(compact)
    nested = "".join("  " * level + f"- &a{level} k:\n" for level in range(22)) + "  " * 22 + "- x\n"
    assert _depth(nested) > MAX_DEPTH and yaml_source._may_nest_too_deeply(nested)
    assert yaml_source._may_nest_too_deeply("[" * 41 + "]" * 41)
    assert not yaml_source._may_nest_too_deeply("persona:\n  name: A\nstages:\n- name: B\n")


def test_deep_nesting_is_still_reported():
    text = "a:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 45)) + "  " * 45 + "x\n"
    try:
        parse(text)
    except SourceError as error:
        assert "nested too deeply" in error.message
    else:
        raise AssertionError("not reported")


def test_merge_keys_and_plain_scalars_still_read_as_before():
    data, _ = parse("base: &b {x: 1, y: NO}\nother:\n  <<: *b\n  y: 2\nquoted:\n  '<<': kept\n")
    assert data == {"base": {"x": "1", "y": "NO"}, "other": {"x": "1", "y": "2"}, "quoted": {"<<": "kept"}}


def test_a_syntax_error_after_an_undefined_alias_is_reported_first():
    text = "a: *nowhere\nb: [unclosed\n"
    try:
        parse(text)
    except SourceError as error:
        assert error.line == 2 or "unclosed" in error.message or "flow" in error.message, error.message
    else:
        raise AssertionError("not reported")


# -- link checks and CJK folds: the fast forms decide as the slow ones did ---------------------

def _slow_link_refusal(value: str) -> bool:
    return any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value)


def test_link_refusal_matches_the_character_loop_on_every_code_point():
    from cjm_plugin.model import _LINK_SPACE_OR_CONTROL

    for code in range(0x110000):
        ch = chr(code)
        assert bool(_LINK_SPACE_OR_CONTROL.search(ch)) == _slow_link_refusal(ch), hex(code)


LINKISH = st.text(alphabet="aZ09+-.:/?#%@é中_~", max_size=30)


@settings(max_examples=500, deadline=None)
@given(LINKISH)
def test_link_scheme_is_what_urlsplit_reads(value):
    from urllib.parse import urlsplit

    from cjm_plugin.model import link_scheme

    assert link_scheme(value) == urlsplit(value).scheme.lower()


@pytest.mark.parametrize("value", ["https://x.org", "HTTP://x", "mailto:a@b", "javascript:alert(1)",
                                   "c:/x", "/a:b", "a+b-c.d:e", "1a:b", "é:x", ":x", "a", ""])
def test_link_scheme_samples(value):
    from urllib.parse import urlsplit

    from cjm_plugin.model import link_scheme

    assert link_scheme(value) == urlsplit(value).scheme.lower()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab *_`~买了账管家，。 ", max_size=25))
def test_cjk_join_fast_path_changes_nothing(value):
    from cjm_plugin.yaml_source import _FOLDED_CJK_SPACE, join_cjk_folds

    assert join_cjk_folds(value) == _FOLDED_CJK_SPACE.sub(r"\1", value)
