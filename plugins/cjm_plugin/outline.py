"""What the checks across maps read of a map: its outline.

`cjm validate` runs on every commit. After one edit, the other maps have not changed, but the
checks across maps (links.py: references, ids, evidence; rules.py: a team's rules) still need
every map. Validating 199 remembered models again cost 0.4-0.6 s of a run at 200 maps
(bench/README.md); an outline is a few ids and names per stage, kept as JSON and built back
without pydantic, with every value's type checked, since the cache is not trusted blindly.

`FIELDS` is the contract: a check that reads a field not listed here fails loudly on a
remembered map (AttributeError), and tests/test_outline.py runs every check on outlines and on
full models and compares what they report.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

# Per kind of item: field -> str, int, [str], or the name of a kind (or [kind]).
FIELDS: dict[str, dict[str, Any]] = {
    "map": {"persona": "persona", "compares_to": str, "reviewed": str, "stages": ["stage"]},
    "persona": {"name": str, "id": str},
    "stage": {"name": str, "id": str, "emotion": int, "confidence": str, "evidence": [str],
              "touchpoints": ["touchpoint"], "pain_points": ["pain"],
              "opportunities": ["opportunity"], "metrics": ["metric"]},
    "touchpoint": {"name": str, "id": str, "owner": str},
    "pain": {"text": str, "id": str, "severity": str, "touchpoint": str, "evidence": [str],
             "confidence": str},
    "opportunity": {"text": str, "id": str, "owner": str, "addresses": [str]},
    "metric": {"name": str, "evidence": [str]},
}


class Outline(SimpleNamespace):
    """A map, stage or item with only the fields of `FIELDS`: what a remembered map is to the
    checks across maps. Equal when the same (as models are compared by the link index)."""

    __eq__ = object.__eq__  # type: ignore[assignment]
    __hash__ = object.__hash__  # type: ignore[assignment]


def outline_of(item: Any, kind: str = "map") -> dict[str, Any]:
    """The outline of a validated map (or of one of its items) as JSON data."""
    data: dict[str, Any] = {}
    for name, expected in FIELDS[kind].items():
        value = getattr(item, name)
        if value is None or value == []:
            continue
        if isinstance(expected, str):
            value = outline_of(value, expected)
        elif isinstance(expected, list) and isinstance(expected[0], str):
            value = [outline_of(element, expected[0]) for element in value]
        elif expected is str or expected == [str]:  # a str subclass (Quoted) becomes plain text
            value = str(value) if expected is str else [str(element) for element in value]
        data[name] = value
    return data


class _Damaged(Exception):
    """An outline that is not what `outline_of` writes (a cache edited by hand)."""


def from_outline(data: Any) -> Outline | None:
    """The map an outline describes, or None when the data is not a well-formed outline."""
    try:
        return _build(data, _PLAN["map"])
    except _Damaged:
        return None


# FIELDS as (field, how to read it, the type or plan it needs), per kind: `_build` runs for
# every stage and item of every remembered map (20,000 at 200 maps), so it looks nothing up.
_SCALAR, _SCALARS, _ITEM, _ITEMS = range(4)
_PLAN: dict[str, tuple[frozenset, list]] = {kind: (frozenset(fields), []) for kind, fields in FIELDS.items()}
for _kind, _fields in FIELDS.items():
    for _name, _expected in _fields.items():
        if isinstance(_expected, str):
            _step = (_name, _ITEM, _PLAN[_expected])
        elif isinstance(_expected, list):
            _element = _expected[0]
            _step = (_name, _ITEMS, _PLAN[_element]) if isinstance(_element, str) else (_name, _SCALARS, _element)
        else:
            _step = (_name, _SCALAR, _expected)
        _PLAN[_kind][1].append(_step)


def _build(data: Any, plan: tuple[frozenset, list]) -> Outline:
    keys, steps = plan
    if type(data) is not dict or not keys.issuperset(data):
        raise _Damaged
    values = {}
    for name, how, expected in steps:
        value = data.get(name)
        if how is _SCALAR:
            # `type() is`, not isinstance: a bool is no emotion here.
            if value is not None and type(value) is not expected:
                raise _Damaged
        elif how is _ITEM:
            value = _build(value, expected)
        elif value is None:
            value = []
        elif type(value) is not list:
            raise _Damaged
        elif how is _ITEMS:
            value = [_build(element, expected) for element in value]
        elif not all(type(element) is expected for element in value):
            raise _Damaged
        values[name] = value
    return Outline(**values)
