"""A MapDiff as a reader sees it: Markdown for a terminal or a pull-request comment, the
same with a marker for the GitHub workflow (which updates one comment instead of adding one
per push), or JSON for tools.

Map text is untrusted in a pull-request comment: it is escaped so that it cannot format,
link, embed an image, or mention a person or an issue (`@team`, `#12`).
"""

from __future__ import annotations

import json
from typing import Callable

from .labels import ENGLISH, Labels, Section
from .mapdiff import Change, FindingChange, MapDiff

MARKER = "<!-- cjm-diff -->"  # the workflow finds its comment by this line
EMPTY_MARKER = "<!-- cjm-diff: no changes -->"
GITHUB_LIMIT = 60_000  # a GitHub comment holds 65,536 characters

# The words of the report around the sentences (a pull-request comment, in English).
LABELS = {
    "title": "Journey map changes",
    "no_changes": "No change to the journey maps.",
    "compared": "Compared {base} with {head}.",
    "generated": "Made by `cjm diff`.",
    "maps_changed": "{count} map{s} changed",
    "findings": "Rule findings",
    "unreadable": "Not compared",
    "unreadable_intro": "These maps have errors in one version, so their changes are not shown"
                        " (`cjm validate` says more):",
    "introduced": "Introduced",
    "fixed": "Fixed",
    "truncated": "… and {count} more line{s}: run `cjm diff` locally to see them all.",
    # The summary line: (what it counts, singular, plural).
    "count_pain_resolved": "{count} pain point{s} resolved",
    "count_pain_added": "{count} new pain point{s}",
    "count_better": "{count} emotion{s} better",
    "count_worse": "{count} emotion{s} worse",
    "count_introduced": "{count} rule finding{s} introduced",
    "count_fixed": "{count} rule finding{s} fixed",
}


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


# -- escaping ------------------------------------------------------------------------------

_BACKSLASHED = set("\\`*_{}[]<>|~!")


def markdown_text(text: object, limit: int = 160) -> str:
    """Map text for a Markdown comment: one line, cut at `limit`, every character that could
    format or link escaped, and no `@mention` or `#123` reference that would notify anyone."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[:limit - 1].rstrip() + "…"
    return _escaped(value)


def _escaped(value: str) -> str:
    out = []
    for index, ch in enumerate(value):
        if ch in _BACKSLASHED:
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        elif ch == "@":
            out.append("@\u200b")  # a zero-width space: no mention
        elif ch == "#":
            following = value[index + 1:index + 2]
            out.append("\\#\u200b" if following.isalnum() else "\\#")  # no issue reference
        else:
            out.append(ch)
    return "".join(out)


def markdown_message(text: object, limit: int = 400) -> str:
    """A cjm message (which quotes names and keys in backticks) for a Markdown comment: the
    quoted parts as code spans (literal: nothing in them formats, links or mentions), the rest
    as `markdown_text`. With an odd number of backticks, all of it as text."""
    value = " ".join(str(text).split())
    parts = value.split("`")
    if len(parts) % 2 == 0 or len(value) > limit:
        return markdown_text(value, limit)
    return "".join(f"`{part}`" if n % 2 else _escaped(part)
                   for n, part in enumerate(parts) if part or not n % 2)


# -- sentences -----------------------------------------------------------------------------


def emotion_text(value: int | None, labels: Labels = ENGLISH) -> str:
    """`−1`, `0`, `+2` (a true minus sign), `none`."""
    if value is None:
        return labels["change.none"]
    return f"+{value}" if value > 0 else f"\u2212{-value}" if value < 0 else "0"


def describe(change: Change, text: Callable[[object], str] = markdown_text,
             labels: Labels = ENGLISH) -> str:
    """One change as a Markdown sentence in the language of `labels` (the `change.` ones);
    `text` escapes map text for where it goes."""
    words = Section(labels, "change.")

    def item(value: object) -> str:
        return f"*{text(value)}*" if value not in (None, "") else words["none"]

    def plain(value: object) -> str:
        return text(value) if value not in (None, "") else words["none"]

    def stage(value: object) -> str:
        return f"**{text(value)}**" if value else ""

    from .pages import format_measure  # pages.py imports this module

    kind = change.kind
    values = dict(subject=item(change.subject), stage=stage(change.stage),
                  before=plain(change.before), after=plain(change.after),
                  direction=words[change.direction] if change.direction else "",
                  severity=words["severity"].format(
                      severity=labels.get(f"severity.{change.severity}", change.severity)) if change.severity else "",
                  by=", ".join(item(b) for b in change.by), details="")
    if kind in ("emotion", "touchpoint-emotion"):
        values.update(before=emotion_text(change.before, labels), after=emotion_text(change.after, labels))
    elif kind in ("stage-renamed", "touchpoint-renamed", "persona-renamed"):
        wrap = stage if kind == "stage-renamed" else item
        values.update(before=wrap(change.before), after=wrap(change.after))
        if kind == "stage-renamed":
            values["subject"] = stage(change.subject)
    elif kind in ("stage-added", "stage-removed", "persona-added", "persona-removed"):
        values["subject"] = stage(change.subject)
        if kind == "persona-added":
            values["after"] = str(change.after)
    elif kind == "stages-reordered":
        values["after"] = " → ".join(stage(name) for name in change.after or [])
    elif kind == "touchpoint-moved":
        values.update(before=stage(change.before), after=stage(change.after))
    elif kind == "opportunity-added":
        details = [words[key].format(value=text(value)) for key, value in
                   (("opportunity-owner-is", change.before), ("opportunity-status-is", change.after)) if value]
        values["details"] = f" ({', '.join(details)})" if details else ""
    elif kind == "pain-addressed" and change.subject:
        # The sentence goes on after the pain point: its own full stop would end it early.
        values["subject"] = item(str(change.subject).rstrip(" .。"))
    elif kind.startswith("metric-") and kind != "metric-removed":
        values.update(before=text(format_measure(change.before, change.unit)) if change.before is not None else words["none"],
                      after=text(format_measure(change.after, change.unit)) if change.after is not None else words["none"])
    if kind == "reviewed" and not change.before:
        kind = "reviewed-first"
    elif kind == "reviewed" and not change.after:
        kind = "reviewed-removed"
    template = words[kind]
    sentence = template.format(**values)
    if template.startswith("{stage}") and not values["stage"]:  # no stage named: no "{stage}: "
        sentence = sentence.lstrip(" :：")
    return sentence[0].upper() + sentence[1:] if sentence[:1].islower() else sentence


def describe_finding(finding: FindingChange, text: Callable[[object], str] = markdown_text) -> str:
    level = "" if finding.level == "error" else f" ({finding.level})"
    return f"`{finding.file}:{finding.line}` \\[{finding.rule}\\] {markdown_message(finding.message)}{level}"


# -- the whole report ----------------------------------------------------------------------


def summary(diff: MapDiff) -> list[str]:
    """The counts a reviewer reads first (without the number of maps)."""
    kinds = [c.kind for c in diff.changes]
    counts = [
        ("count_pain_resolved", kinds.count("pain-resolved") + kinds.count("pain-addressed")),
        ("count_pain_added", kinds.count("pain-added")),
        ("count_better", sum(1 for c in diff.changes if c.kind == "emotion" and c.direction == "better")),
        ("count_worse", sum(1 for c in diff.changes if c.kind == "emotion" and c.direction == "worse")),
        ("count_introduced", len(diff.introduced)),
        ("count_fixed", len(diff.fixed)),
    ]
    return [LABELS[key].format(count=n, s=_plural(n)) for key, n in counts if n]


def by_map(diff: MapDiff) -> list[tuple[str, str, str, list[Change]]]:
    """(persona id, persona name, file, changes) per map, in persona id order."""
    groups: dict[str, tuple[str, str, str, list[Change]]] = {}
    for change in diff.changes:
        group = groups.setdefault(change.persona, (change.persona, change.persona_name, change.file, []))
        group[3].append(change)
    return [groups[pid] for pid in sorted(groups)]


def to_markdown(diff: MapDiff, base: str, head: str, heading: str = "##") -> str:
    lines = [f"{heading} {LABELS['title']}", ""]
    if not (diff.changes or diff.introduced or diff.fixed):
        lines += [LABELS["no_changes"], ""]
    else:
        maps = by_map(diff)
        count = len(maps)
        first = f"**{LABELS['maps_changed'].format(count=count, s=_plural(count))}**"
        lines += [" · ".join([first, *summary(diff)]), ""]
        for _, name, file, changes in maps:
            lines += [f"{heading}# {markdown_text(name)}", "", f"`{file}`", ""]
            lines += [f"- {describe(change)}" for change in changes]
            lines.append("")
        if diff.introduced or diff.fixed:
            lines += [f"{heading}# {LABELS['findings']}", ""]
            for label, findings in (("introduced", diff.introduced), ("fixed", diff.fixed)):
                if findings:
                    lines += [f"**{LABELS[label]}**", ""]
                    lines += [f"- {describe_finding(f)}" for f in findings]
                    lines.append("")
    if diff.unreadable:
        lines += [f"{heading}# {LABELS['unreadable']}", "", LABELS["unreadable_intro"], ""]
        lines += [f"- {markdown_text(label)}: {markdown_message(message)}"
                  for label, message in diff.unreadable]
        lines.append("")
    base, head = markdown_text(base), markdown_text(head)
    lines += [f"<sub>{LABELS['compared'].format(base=base, head=head)} {LABELS['generated']}</sub>", ""]
    return "\n".join(lines)


def to_github(diff: MapDiff, base: str, head: str) -> str:
    """The Markdown with the workflow's marker, cut to fit in one comment."""
    markers = [MARKER] + ([EMPTY_MARKER] if diff.empty else [])
    body = to_markdown(diff, base, head)
    if len(body) > GITHUB_LIMIT:
        lines = body.splitlines()
        kept: list[str] = []
        size = 0
        for line in lines:
            if size + len(line) + 1 > GITHUB_LIMIT - 200:
                break
            kept.append(line)
            size += len(line) + 1
        rest = len(lines) - len(kept)
        body = "\n".join(kept + ["", LABELS["truncated"].format(count=rest, s=_plural(rest)), ""])
    return "\n".join(markers) + "\n" + body


def to_json(diff: MapDiff, base: str, head: str) -> str:
    data = {
        "base": base,
        "head": head,
        "changed": not diff.empty,
        "changes": [c.to_json() for c in diff.changes],
        "findings": {
            "introduced": [f.__dict__ for f in diff.introduced],
            "fixed": [f.__dict__ for f in diff.fixed],
        },
        "unreadable": [{"side": side, "message": message} for side, message in diff.unreadable],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
