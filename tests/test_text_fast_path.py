"""The plain-text shortcut of MarkdownRenderer gives exactly what Python-Markdown gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm_plugin import text
from cjm_plugin.text import MarkdownRenderer

SAMPLES = [
    "Quotes full of jargon (gauges, finishes) that procurement cannot compare.",
    "Is it for me? 100% sure: yes!",
    "Persona 001: Trial receives",
    "Café — “quoted” text… it’s fine",
    "用户在网上比较价格",
    "Pay #42 + fee = {total} | ~approx ^ @team $5",
    "a",
    "Step 1. Then step 2) and - dash",
]
ALPHABET = "aZé中 1,.;:'?!()%/\"#+=|{}~^@$—–’‘“”…-"


def _slow(renderer_args: dict, source: str, inline: bool) -> str:
    saved = text._PLAIN
    text._PLAIN = re.compile(r"(?!)")  # never matches: always run Python-Markdown
    try:
        return MarkdownRenderer(**renderer_args)._render(source, inline)
    finally:
        text._PLAIN = saved


@pytest.mark.parametrize("allow_html", [False, True])
@pytest.mark.parametrize("source", SAMPLES)
def test_samples_take_the_shortcut_and_match_markdown(source, allow_html):
    assert text._PLAIN.fullmatch(source)
    fast = MarkdownRenderer(allow_html=allow_html)
    for inline in (True, False):
        assert fast._render(source, inline) == _slow({"allow_html": allow_html}, source, inline)


@pytest.mark.parametrize("source", ["*bold* word", "a  b", " lead", "trail ", "1. item", "- item",
                                    "a_b", "a & b", "x <b>", "line\nbreak", "[link](x)", "a\\b"])
def test_markdown_syntax_is_not_taken_for_plain_text(source):
    assert not text._PLAIN.fullmatch(source)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET.replace(" ", ""), min_size=1, max_size=8), min_size=1,
                max_size=6).map(lambda words: "W" + " ".join(words)))
def test_any_plain_text_renders_as_markdown_would(source):
    assert text._PLAIN.fullmatch(source)
    renderer = MarkdownRenderer()
    for inline in (True, False):
        assert renderer._render(source, inline) == _slow({}, source, inline)
