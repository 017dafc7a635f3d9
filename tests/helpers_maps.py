"""Small helpers for the loader, checks and CLI tests: write maps, load them, read messages.

Every broken map is written into `tmp_path/maps/` and loaded with `tmp_path` as the
project folder, so messages name the file as users see it: `maps/bad.yml:4:7: ...`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from cjm_plugin.catalog import Project, load_project

REPO = Path(__file__).resolve().parents[1]

# The smallest valid map; tests append to it or replace parts of it.
MINIMAL = """\
persona:
  name: Ann
stages:
  - name: Awareness
"""

# A map that uses every section, to check the schema and the loader agree.
FULL = """\
persona:
  name: Renée Ünal
  id: renee
  summary: Buys a ticket for the opera.
  quote: "Is it for me?"
  profile:
    Country: NO
    Start: 1:30
  goals: [A good seat]
  frustrations:
    - Fees at the end
scenario: First visit.
state: future
lanes:
  - id: cx
    name: CX
    description: Front desk.
stages:
  - name: Awareness
    id: awareness
    objective: Be found.
    description: She hears about it.
    emotion: 1
    feeling: curious
    actions: [Reads a poster]
    thoughts: ["Is it for me?"]
    touchpoints:
      - name: Poster
        channel: web
        owner: Marketing
        description: In the metro.
        emotion: -2
        link: https://example.com/poster
      - name: Page
        link: ../docs/page.md
    pain_points:
      - Too small
      - text: Hard to read
        severity: high
    opportunities:
      - Bigger posters
      - text: QR code
        owner: Marketing
        status: idea
        link: /tickets/12
    metrics:
      - name: Drop-off
        value: 12.5
        target: 10
        unit: "%"
    lanes:
      cx: [Answers calls]
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """Write `maps/<name>` under `tmp_path` (text as UTF-8, bytes as they are)."""
    path = tmp_path / "maps" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def load(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Project:
    """Write `files` into `tmp_path/maps/` and load that folder as `cjm validate` would."""
    for name, content in (files or {}).items():
        write(tmp_path, name, content)
    return load_project([tmp_path / "maps"], base=tmp_path)


def messages(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> list[str]:
    """Every message of the run, as printed: `maps/x.yml:LINE:COL: text`."""
    return [str(d) for d in load(tmp_path, files).diagnostics]


def only_message(tmp_path: Path, name: str, content: str | bytes) -> str:
    """The single message for one broken map (fails if there are none or several)."""
    found = messages(tmp_path, {name: content})
    assert len(found) == 1, f"expected one message, got {found}"
    return found[0]


def assert_message(message: str, where: str, *parts: str) -> None:
    """`message` starts with `where` (`maps/bad.yml:4:7:`) and contains every part."""
    assert message.startswith(where + " "), f"{message!r} should start with {where!r}"
    for part in parts:
        assert part in message, f"{message!r} should contain {part!r}"
