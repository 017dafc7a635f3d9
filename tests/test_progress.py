"""Progress of long work: a short build stays quiet; a long one says what it does every few
seconds (log lines, CI) or shows a bar (a terminal), and sums up at the end.

No timed tests: a clock the test moves stands in for time in the unit tests, and the real
builds and commands run with the thresholds set to zero (so that they count as long)."""

from __future__ import annotations

import io
import logging

import pytest

from cjm_plugin import cli, progress
from cjm_plugin.progress import Progress
from sitebuild import build_site, make_site

MAP = """\
persona:
  name: Ann {n}
  id: ann{n}
stages:
  - name: Awareness
    id: awareness
    emotion: 1
  - name: Decision
    id: decision
    emotion: -1
"""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_short_work_says_nothing():
    lines: list[str] = []
    clock = Clock()
    work = Progress(lines.append, clock=clock)
    step = work.step("drawing diagrams", 3)
    for _ in range(3):
        clock.now += progress.QUIET_FOR / 4
        step.advance()
    step.close()
    work.summary("cjm: 3 diagrams")
    assert lines == []


def test_long_work_reports_every_few_seconds_and_sums_up():
    lines: list[str] = []
    clock = Clock()
    work = Progress(lines.append, clock=clock)
    step = work.step("drawing diagrams", 40)
    for _ in range(40):
        clock.now += 0.5
        step.advance()
    work.summary("cjm: 40 diagrams")
    # 20 s of work: the first line once QUIET_FOR has passed, then one every EVERY seconds.
    assert lines[0] == f"cjm: drawing diagrams: 4 of 40 ({progress.QUIET_FOR:.1f} s)"
    assert lines[1] == "cjm: drawing diagrams: 14 of 40 (7.0 s)"
    assert len(lines) == 2 + (20 - 7) // int(progress.EVERY) + 1
    assert lines[-1] == "cjm: 40 diagrams (20.0 s)"


def test_a_terminal_gets_a_bar_not_lines():
    stream = Terminal()
    clock = Clock()
    work = progress.for_terminal(stream)
    work.clock, work.started = clock, clock()
    with work.step("drawing diagrams", 10) as step:
        for _ in range(10):
            clock.now += 1
            step.advance()
    work.summary("cjm: 10 diagrams")
    shown = stream.getvalue()
    assert "cjm: drawing diagrams: " in shown and " of 10 |" in shown  # tqdm's bar
    assert "\r" in shown  # redrawn in place
    assert shown.rstrip().endswith("cjm: 10 diagrams (10.0 s)")


@pytest.fixture
def always_long(monkeypatch):
    """Every piece of work counts as long, and every step may report."""
    monkeypatch.setattr(progress, "QUIET_FOR", 0.0)
    monkeypatch.setattr(progress, "EVERY", 0.0)


def _build_logs(tmp_path, caplog, personas: int = 3) -> list[str]:
    maps = {f"ann{n}.yml": MAP.format(n=n) for n in range(personas)}
    config = make_site(tmp_path, maps=maps, config={"plugins": ["search", {"cjm": {"diagrams": False}}]})
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.cjm"):
        build_site(config)
    return [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.cjm"]


def test_a_short_build_stays_quiet(tmp_path, caplog, monkeypatch):
    # "Short" is below the threshold; a generous one, as a busy machine may take seconds.
    monkeypatch.setattr(progress, "QUIET_FOR", 120.0)
    assert not [line for line in _build_logs(tmp_path, caplog) if line.startswith("cjm: ")]


def test_a_long_build_logs_progress_and_a_summary_at_info(tmp_path, caplog, always_long):
    lines = _build_logs(tmp_path, caplog)
    assert "cjm: reading maps: 1 of 3" in " ".join(lines)
    assert any(line.startswith("cjm: making pages: ") for line in lines), lines
    summary = [line for line in lines if line.startswith("cjm: 3 map(s), ")]
    assert len(summary) == 1, lines
    assert "page(s) (" in summary[0] and "made again" in summary[0] and "diagram(s) drawn" in summary[0]


def test_generate_writes_plain_lines_when_not_on_a_terminal(tmp_path, capsys, always_long, monkeypatch):
    monkeypatch.chdir(tmp_path)  # its cache goes into the current folder
    maps = tmp_path / "maps"
    maps.mkdir()
    for n in range(3):
        (maps / f"ann{n}.yml").write_text(MAP.format(n=n), encoding="utf-8")
    code = cli.main(["generate", "--maps", str(maps), "--out", str(tmp_path / "out"), "--no-diagrams"])
    err = capsys.readouterr().err
    assert code == 0, err
    lines = err.splitlines()
    assert "cjm: reading maps: 1 of 3" in lines[0]
    assert any(line.startswith("cjm: making pages: ") for line in lines)
    assert any(line.startswith("cjm: 3 map(s), ") for line in lines)
    assert "\r" not in err and "\x1b" not in err  # lines for a log, no terminal codes
