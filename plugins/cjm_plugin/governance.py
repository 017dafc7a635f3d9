"""What the site shows about keeping maps true: each map's owner, review date, last change in
git and rule findings (the "Map health" page and the line on each persona page), and the
changes of the last commits (the "What changed" page).

All of it exists only when the maps folder has a rules file (`maps/_rules.yml`, even one
with `rules: []`): without one the site is exactly what it was, and git is never run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .catalog import Project
from .changes import CommitChanges, changes_key, recent_changes
from .history import GitError, LastChange, last_changes
from .load import LoadedMap
from .rules import Finding, ReviewEvery, review_due

# Every word the health views show a reader is a `gov.` label (labels/*.yml), read by the
# templates as `G` in the page's language.

PER_MAP = 10  # the changes listed under each persona on the "What changed" page
PER_COMMIT = 40  # the changes listed under one commit (a commit may add 200 personas)


@dataclass
class MapHealth:
    map: LoadedMap
    findings: list[Finding]
    last_change: LastChange | None
    review_due: date | None

    @property
    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "notice": 0}
        for finding in self.findings:
            counts[finding.diagnostic.severity] += 1
        return counts

    def key(self) -> list:
        """What the pages show of this map's health (part of the keys in site.py)."""
        return [self.map.map.owner, self.map.map.reviewed, str(self.review_due),
                [str(f.diagnostic) for f in self.findings],
                list(self.last_change.__dict__.values()) if self.last_change else None]


@dataclass
class Governance:
    today: date
    rules_file: str
    rules: list[tuple[str, str, dict]]  # (rule, level, settings)
    maps: dict[str, MapHealth] = field(default_factory=dict)
    site_findings: list[Finding] = field(default_factory=list)  # about `_research.yml`
    history_note: str | None = None
    changes: list[CommitChanges] | None = None  # None: the page is not made
    changes_note: str | None = None
    changes_limit: int = 0

    def health(self, persona_id: str) -> MapHealth | None:
        return self.maps.get(persona_id)

    def rule_counts(self) -> list[int]:
        """How many findings each rule (in file order) has."""
        counts = [0] * len(self.rules)
        index = {(rule, level, json.dumps(settings, sort_keys=True)): n
                 for n, (rule, level, settings) in enumerate(self.rules)}
        for health in self.maps.values():
            for finding in health.findings:
                self._count(finding, counts, index)
        for finding in self.site_findings:
            self._count(finding, counts, index)
        return counts

    def _count(self, finding: Finding, counts: list[int], index: dict) -> None:
        d = finding.diagnostic
        for (rule, level, _), n in index.items():
            if rule == d.rule and level == d.severity:
                counts[n] += 1
                return

    def health_key(self) -> list:
        return [self.today.isoformat(), self.rules_file, self.rules, self.history_note,
                {pid: [h.map.map.persona.name, h.key()] for pid, h in self.maps.items()},
                [str(f.diagnostic) for f in self.site_findings]]

    def changes_page_key(self) -> list:
        return [self.changes_note, self.changes_limit,
                changes_key(self.changes or []),
                {pid: h.map.map.persona.name for pid, h in self.maps.items()}]


def collect(project: Project, cache_dir: Path | None, history_commits: int,
            git: str = "git") -> Governance | None:
    """The health of every map and the recent changes; None without a rules file."""
    rules = project.rules
    if rules is None:
        return None
    review_months = next((r.months for r in rules.rules if isinstance(r, ReviewEvery)), None)
    folder = rules.source.path.parent
    history = last_changes(folder, [m.source.path for m in project.maps], git)
    governance = Governance(project.today or date.today(), rules.source.display, rules.summary(),
                            history_note=history.note)
    by_map: dict[str, list[Finding]] = {}
    for finding in project.findings:
        if finding.persona_id is None:
            governance.site_findings.append(finding)
        else:
            by_map.setdefault(finding.persona_id, []).append(finding)
    for loaded in project.maps:
        due = review_due(loaded.map.reviewed, review_months) if review_months else None
        governance.maps[loaded.id] = MapHealth(
            loaded, sorted(by_map.get(loaded.id, []), key=lambda f: (f.diagnostic.line, f.diagnostic.column)),
            history.changes.get(Path(loaded.source.path).resolve()), due)
    if history_commits > 0:
        governance.changes_limit = history_commits
        if history.repository is None or history.repository.shallow or history.note:
            governance.changes, governance.changes_note = [], history.note
        else:
            try:
                governance.changes = recent_changes(history.repository, folder, history_commits,
                                                    cache_dir)
            except (GitError, OSError) as error:
                governance.changes, governance.changes_note = [], str(error)
    return governance
