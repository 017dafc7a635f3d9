"""Mermaid `journey` diagrams: read them into a `MapDraft`, write a map as one.

The reader follows Mermaid's own grammar (`journey.jison` in Mermaid 11): the same tokens,
in the same order of precedence, so that what Mermaid accepts is read the same way and what
it rejects gets a message with the line and column. A task is `Name: score: actor, actor`.
`#`, `;` and (in names) `:` cannot be written as they are; Mermaid's entity codes (`#58;` for
`:`) stand for them, and the writer uses those codes for every character that would break
the line, so its output always parses.

The writer adds `%% cjm ...` comment lines (Mermaid ignores them) with what the diagram
cannot show: the persona and stage ids, each stage's own emotion and whether a stage's tasks
are its actions. The reader uses them when they are there, so a map survives the round trip.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..diagnostics import Diagnostic
from ..load import LoadedMap
from ..slugs import slugify
from .draft import MERMAID_SCALE, LaneDraft, MapDraft, Problems, Spot, StageDraft, TouchpointDraft

MAX_TEXT = 50_000  # Mermaid's default maxTextSize: longer diagrams are not drawn

# --- reading ----------------------------------------------------------------------------

# Mermaid replaces `#name;` and `#123;` before parsing; we do the same with characters the
# lexer never treats specially (private use area), and decode them in the values.
_ENTITY = re.compile(r"#(\w+);")
_OPEN, _CLOSE = "\ue000", "\ue001"
_ENCODED = re.compile(f"{_OPEN}(\\w+){_CLOSE}")

# The lexer of journey.jison, in its order (the first rule that matches wins).
_RULES = [
    ("comment", re.compile(r"%(?!\{)[^\n]*")),
    ("comment", re.compile(r"[^}]%%[^\n]*")),
    ("newline", re.compile(r"\n+")),
    ("space", re.compile(r"\s+")),
    ("comment", re.compile(r"#[^\n]*")),
    ("journey", re.compile(r"journey\b", re.I)),
    ("title", re.compile(r"title\s[^#\n;]+", re.I)),
    ("acc_title", re.compile(r"accTitle\s*:\s*", re.I)),
    ("acc_descr", re.compile(r"accDescr\s*:\s*", re.I)),
    ("acc_descr_multi", re.compile(r"accDescr\s*\{\s*", re.I)),
    ("section", re.compile(r"section\s[^#:\n;]+", re.I)),
    ("task_name", re.compile(r"[^#:\n;]+")),
    ("task_data", re.compile(r":[^#\n;]+")),
    ("colon", re.compile(r":")),
    ("invalid", re.compile(r".", re.S)),
]
_CJM_COMMENT = re.compile(r"%%\s*cjm\s+(.*)")


@dataclass
class Token:
    kind: str
    text: str
    line: int
    column: int


@dataclass
class Task:
    name: str
    score: float
    actors: list[str]
    spot: Spot


@dataclass
class Section:
    name: str
    spot: Spot
    tasks: list[Task] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Journey:
    title: str | None = None
    description: str | None = None
    sections: list[Section] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    loose_tasks: list[Task] = field(default_factory=list)  # before the first section
    warnings: list[str] = field(default_factory=list)


def _decode(text: str) -> str:
    def entity(match: re.Match) -> str:
        name = match.group(1)
        if name.isdigit():
            code = int(name)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else f"#{name};"
        decoded = html.unescape(f"&{name};")
        return decoded if decoded != f"&{name};" else f"#{name};"
    return _ENCODED.sub(entity, text)


def _tokens(text: str, first_line: int) -> Iterable[Token]:
    position, line, column = 0, first_line, 1
    state = None
    while position < len(text):
        if state in ("acc_title", "acc_descr"):
            match = re.compile(r"[^\n]*").match(text, position)
            kind, state = state + "_value", None
        elif state == "acc_descr_multi":
            match = re.compile(r"[^}]*").match(text, position)
            kind, state = "acc_descr_value", "acc_descr_close"
        elif state == "acc_descr_close":
            match = re.compile(r"}").match(text, position)
            kind, state = ("close", None) if match else ("invalid", None)
            match = match or re.compile(r".", re.S).match(text, position)
        else:
            for kind, pattern in _RULES:
                match = pattern.match(text, position)
                if match:
                    break
            if kind in ("acc_title", "acc_descr", "acc_descr_multi"):
                state = kind
        value = match.group(0)  # type: ignore[union-attr]
        yield Token(kind, value, line, column)
        breaks = value.count("\n")
        line, column = (line + breaks, len(value) - value.rfind("\n")) if breaks else (line, column + len(value))
        position = match.end()  # type: ignore[union-attr]


def _encode_entities(text: str) -> str:
    return _ENTITY.sub(lambda m: f"{_OPEN}{m.group(1)}{_CLOSE}", text)


def _strip_front_matter(text: str) -> tuple[str, int, str | None]:
    """(text after a `---` front matter block, lines removed, its `title:`)."""
    match = re.match(r"---[ \t]*\n(.*?)\n---[ \t]*\n", text, re.S)
    if not match:
        return text, 0, None
    title = re.search(r"^title:\s*(.+?)\s*$", match.group(1), re.M)
    value = title.group(1).strip("\"'") if title else None
    return text[match.end():], match.group(0).count("\n"), value


def parse_journey(text: str, display: str, first_line: int = 1) -> Journey:
    """Mermaid journey text -> `Journey`, or Problems with line:column messages."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, skipped, front_title = _strip_front_matter(text)
    # `%%{init: ...}%%` directives configure the renderer; they are not part of the journey.
    text = re.sub(r"%%\{.*?\}%%", lambda m: " " * len(m.group(0)) if "\n" not in m.group(0)
                  else "\n" * m.group(0).count("\n"), text, flags=re.S)
    journey = Journey(title=front_title)
    tokens = [t for t in _tokens(_encode_entities(text), first_line + skipped)
              if t.kind != "space"]
    problems: list[Diagnostic] = []

    def fail(token: Token, message: str) -> None:
        problems.append(Diagnostic(display, token.line, token.column, message))

    def spot(token: Token, offset: int = 0) -> Spot:
        return Spot(display, token.line, token.column + offset)

    index = 0
    started = False
    section: Section | None = None
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.kind == "comment":
            found = _CJM_COMMENT.match(token.text.strip())
            if found:
                meta = dict(pair.split("=", 1) for pair in found.group(1).split() if "=" in pair)
                (section.meta if section else journey.meta).update(meta)
            continue
        if token.kind == "newline":
            continue
        if not started:
            if token.kind != "journey":
                fail(token, "a Mermaid journey starts with the word `journey` on its own line")
                break
            started = True
            continue
        if token.kind == "journey":
            fail(token, "`journey` may only start the diagram; a task name cannot start with"
                        " that word (write `#106;ourney` for its first letter)")
        elif token.kind == "title":
            if section is not None:
                journey.warnings.append(
                    f"{display}:{token.line}:{token.column}: warning: Mermaid reads this line as"
                    f" the diagram's title, not as a task (it starts with `title `); write"
                    f" `#84;itle` to make it a task")
            journey.title = _decode(token.text[6:]).strip()
        elif token.kind in ("acc_title", "acc_descr", "acc_descr_multi"):
            value = tokens[index] if index < len(tokens) else None
            if value is not None and value.kind.endswith("_value"):
                index += 1
                if token.kind != "acc_title":
                    journey.description = " ".join(_decode(value.text).split())
                if token.kind == "acc_descr_multi":
                    if index < len(tokens) and tokens[index].kind == "close":
                        index += 1
                    else:
                        fail(token, "`accDescr {` is never closed with `}`")
        elif token.kind == "section":
            name = _decode(token.text[8:]).strip()
            section = Section(name, spot(token, 8))
            journey.sections.append(section)
        elif token.kind == "task_name":
            data = tokens[index] if index < len(tokens) else None
            name = _decode(token.text).strip()
            if data is None or data.kind != "task_data":
                after = "a `:` with nothing after it" if data is not None and data.kind == "colon" else "no `: score`"
                fail(token, f"task `{name}` has {after}; write `{name}: 3: Actor`"
                            " (a score from 1 to 5, then the actors)")
                continue
            index += 1
            task = _task(name, data, spot(token), display, problems)
            if task is not None:
                (section.tasks if section else journey.loose_tasks).append(task)
        elif token.kind == "task_data":
            fail(token, "a `:` with no task name before it; a task is `Name: score: actors`"
                        " (write `#58;` for a colon inside a name)")
        elif token.kind == "colon":
            fail(token, "a `:` with no task name before it")
        elif token.kind == "invalid":
            char = token.text
            hint = " (Mermaid reads `;` as the end of a statement: write `#59;`)" if char == ";" else ""
            fail(token, f"Mermaid cannot read `{char}` here{hint}")
        elif token.kind == "close":
            fail(token, "a `}` with no `accDescr {` before it")
    if not started and not problems:
        problems.append(Diagnostic(display, first_line, 1, "no journey: the text is empty"))
    if journey.loose_tasks and not problems:
        task = journey.loose_tasks[0]
        problems.append(task.spot.error(
            f"task `{task.name}` comes before the first `section`; each task needs a stage:"
            " add a `section NAME` line above it"))
    if problems:
        raise Problems(problems)
    return journey


def _task(name: str, data: Token, where: Spot, display: str, problems: list[Diagnostic]) -> Task | None:
    # Mermaid's addTask: split on `:`, the first piece is the score, the second the actors.
    pieces = data.text[1:].split(":")
    raw = _decode(pieces[0]).strip()
    column = data.column + 1 + len(pieces[0]) - len(pieces[0].lstrip())  # the score itself
    try:
        score = float(raw)
    except ValueError:
        score = float("nan")
    if not score == score or not 1 <= score <= 5:
        problems.append(Diagnostic(display, data.line, column,
            f"task `{name}`: score `{raw}` is not a number from 1 to 5 (1 very negative,"
            " 5 very positive)"))
        return None
    actors = [_decode(a).strip() for a in pieces[1].split(",")] if len(pieces) > 1 else []
    return Task(name, score, [a for a in actors if a], where)


FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*mermaid\b[^\n]*$", re.M)


def journey_in_markdown(text: str, display: str) -> tuple[str, int]:
    """(the first ```mermaid block holding a journey, the line it starts on)."""
    for match in FENCE.finditer(text):
        fence = match.group("fence")
        start = match.end() + 1
        close = re.compile(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}\s*$", re.M).search(text, start)
        body = text[start:close.start()] if close else text[start:]
        meaningful = [line.strip() for line in _strip_front_matter(body)[0].splitlines()
                      if line.strip() and not line.strip().startswith("%%")]
        if meaningful and re.match(r"journey\b", meaningful[0], re.I):
            return body, text.count("\n", 0, start) + 1
    raise Problems([Diagnostic(display, 1, 1,
        "no ```mermaid block with a journey in this file; the block's first line must be"
        " `journey`")])


def read_journey(journey: Journey, display: str, persona: str | None) -> MapDraft:
    """A parsed journey -> draft: sections become stages, tasks touchpoints (scores 1..5
    mapped onto -2..2), the persona's actor the persona and the other actors lanes."""
    draft = MapDraft(source=display, notes=list(journey.warnings))
    counts = Counter(actor for section in journey.sections for task in section.tasks
                     for actor in task.actors)
    first_seen = list(dict.fromkeys(a for s in journey.sections for t in s.tasks for a in t.actors))
    # The persona is the actor in most tasks (the first of equals); the others are lanes.
    persona_actor = max(first_seen, key=lambda a: (counts[a], -first_seen.index(a))) if counts else None
    draft.persona_name = persona or persona_actor or journey.title
    if persona_actor and not persona:
        draft.notes.append(f"persona: `{persona_actor}`, the actor in most tasks"
                           " (name another with --persona)")
    if journey.title and journey.title != draft.persona_name:
        draft.scenario = journey.title
    if journey.description:
        draft.scenario = journey.description if not draft.scenario else f"{draft.scenario}\n\n{journey.description}"
    draft.persona_id = journey.meta.get("persona")
    draft.state = journey.meta.get("state") if journey.meta.get("state") in ("current", "future") else None
    lanes = [actor for actor in first_seen if actor != persona_actor]
    taken: set[str] = set()
    for number, actor in enumerate(lanes, start=1):
        lane_id = slugify(actor) or f"lane-{number}"
        while lane_id in taken:
            lane_id += "-2"
        taken.add(lane_id)
        draft.lanes.append(LaneDraft(lane_id, actor))
    if lanes:
        draft.notes.append(f"the other actors became blueprint lanes: {', '.join(lanes)}; list"
                           " what each does per stage under the stage's `lanes:`")
    for section in journey.sections:
        stage = StageDraft(name=section.name, spot=section.spot)
        stage.id = section.meta.get("stage")
        if stage.id:
            stage.id_spot = section.spot
        if "emotion" in section.meta and re.fullmatch(r"-?[0-2]", section.meta["emotion"]):
            stage.emotion = int(section.meta["emotion"])
        as_actions = section.meta.get("tasks") == "actions"
        for task in section.tasks:
            exact = MERMAID_SCALE.exact(task.score)
            if as_actions:
                stage.actions.append(task.name)
            else:
                stage.touchpoints.append(TouchpointDraft(
                    name=task.name, spot=task.spot, emotion=MERMAID_SCALE.to_cjm(task.score)))
            stage.emotion_samples.append(exact)
        draft.stages.append(stage)
    if not draft.stages:
        raise Problems([Diagnostic(display, 1, 1,
            "the journey has no `section`; each section becomes a stage of the map")])
    return draft


# --- writing ----------------------------------------------------------------------------

_KEYWORD_START = re.compile(r"(journey\b|title\s|section\s|acctitle|accdescr)", re.I)
# `<` and `>`: Mermaid rewrites the quotes inside anything that looks like an HTML tag.
_SPECIAL = {"#": "#35;", ":": "#58;", ";": "#59;", "%": "#37;", "<": "#lt;", ">": "#gt;",
            ",": "#44;"}


def mermaid_text(text: str, actor: bool = False) -> str:
    """Text for one line of a journey: one line, and every character that Mermaid's lexer
    would read as syntax written as an entity code (`#58;` for `:`)."""
    line = " ".join(str(text).split()) or "-"
    specials = _SPECIAL if actor else {k: v for k, v in _SPECIAL.items() if k != ","}
    escaped = "".join(specials.get(ch, ch) for ch in line)
    if _KEYWORD_START.match(escaped):  # a task called "Title search" would be read as a title
        escaped = f"#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def _score(emotion: int | None) -> int:
    return 3 if emotion is None else emotion + 3


def to_mermaid(loaded: LoadedMap) -> str:
    """One persona's journey as a Mermaid `journey` diagram (without a fence)."""
    journey = loaded.map
    persona = journey.persona.name
    lane_names = {lane.id: lane.name for lane in journey.lanes}
    lines = ["journey", f"  title {mermaid_text(persona)}",
             f"  %% cjm persona={loaded.id} state={journey.state}"]
    for stage in journey.stages:
        lines.append(f"  section {mermaid_text(stage.name)}")
        meta = f"stage={stage.id}" + (f" emotion={stage.emotion}" if stage.emotion is not None else "")
        actors = [persona] + [lane_names.get(lane_id, lane_id)
                              for lane_id, items in stage.lanes.items() if items]
        cast = ", ".join(mermaid_text(actor, actor=True) for actor in actors)
        if stage.touchpoints:
            tasks = [(t.name, t.emotion if t.emotion is not None else stage.emotion)
                     for t in stage.touchpoints]
        else:
            tasks = [(action, stage.emotion) for action in stage.actions]
            if tasks:
                meta += " tasks=actions"
        lines.append(f"    %% cjm {meta}")
        lines.extend(f"    {mermaid_text(name)}: {_score(emotion)}: {cast}" for name, emotion in tasks)
    return "\n".join(lines) + "\n"


def fenced(text: str) -> str:
    return f"```mermaid\n{text}```\n"
