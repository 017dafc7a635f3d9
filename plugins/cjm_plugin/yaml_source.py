"""YAML text -> plain Python data, remembering where every key and value stood.

PyYAML composes the node tree (C parser when available); we build the data
ourselves instead of using its constructor, for three reasons:

- every scalar stays the text the writer typed (YAML 1.1 would turn `NO` into
  False and `1:30` into 90); the models convert numbers where they expect them;
- duplicate keys are an error, not a silent overwrite;
- alias bombs and runaway nesting are cut off with a message, not a hang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import short

try:  # The C parser is several times faster on large sites.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader without YAML 1.1 type guessing: `_Builder` keeps every scalar as
    text and only asks whether a key is the merge key `<<`. The C composer called the
    regex-based resolver in Python for every scalar: 40% of loading a map."""

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        if kind is yaml.ScalarNode:
            return _MERGE_TAG if implicit[0] and value == "<<" else self.DEFAULT_SCALAR_TAG
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG

Path = tuple[str | int, ...]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 40
_NULLS = {"", "~", "null", "Null", "NULL"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a new line
_SURROGATE = re.compile("[\ud800-\udfff]")

# Scripts written without spaces between words (Chinese, Japanese; not Korean, which spaces
# its words), with their full-width punctuation. YAML folds a line break inside a plain,
# quoted or `>` scalar into a space, which in these scripts is a stray gap ("买了 账管家")
# and lets a line wrap before "，".
_CJK = ("\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f")
# Markdown's emphasis and code marks may stand between them: "买了 **账管家**".
_FOLDED_CJK_SPACE = re.compile(f"([{_CJK}][*_`~]*) (?=[*_`~]*[{_CJK}])")


def join_cjk_folds(value: str) -> str:
    """`value` without the single spaces between two CJK characters that folding leaves."""
    if value.isascii() or " " not in value:  # most text: no CJK character, nothing to join
        return value
    return _FOLDED_CJK_SPACE.sub(r"\1", value)


class Quoted(str):
    """A scalar the writer quoted (or wrote as a `|` / `>` block): text, never a number.
    `emotion: "2"` is text in YAML and in the JSON Schema, so the model refuses it where it
    wants a number instead of reading 2 (see model.py)."""

    __slots__ = ()


# YAML 1.1 (PyYAML) ends a line at these too; editors do not, so positions after one would
# be a line off, and a value holding one is cut in two.
_INVISIBLE_BREAKS = re.compile("[\x85\u2028\u2029]")
_EDITOR_LINE_BREAK = re.compile("\r\n|\r|\n")


def editor_position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of `text[index]` as editors count: CR, LF or CRLF end a line."""
    before = text[:index]
    breaks = list(_EDITOR_LINE_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


class SourceError(Exception):
    """A problem that stops a file from being read at all."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


@dataclass
class Positions:
    """1-based (line, column) of each value and each mapping key, by data path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, path: Path) -> tuple[int, int]:
        """Where the value at `path` starts; falls back to its nearest parent."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found:
                return found
        return (1, 1)

    def of_key(self, path: Path) -> tuple[int, int]:
        """Where the key that names `path` stands (or its value, for list items)."""
        return self.keys.get(path) or self.of_value(path)


def decode(raw: bytes) -> str:
    """UTF-8 text (a BOM is allowed), or a SourceError pointing at the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(
            1,
            1,
            f"file is {len(raw) // 1024} KiB, over the {MAX_FILE_BYTES // 1024 // 1024} MiB"
            " limit for one map; split it into one file per persona",
        )
    wide = _wide_encoding(raw)
    if wide:
        raise SourceError(
            1, 1, f"the file is not UTF-8 but {wide}; save it as UTF-8"
            " (in most editors: Save with Encoding, UTF-8)")
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        before = body[: error.start].decode("utf-8", "replace")
        line, column = editor_position(before, len(before))
        raise SourceError(
            line, column,
            f"the file is not UTF-8 (byte 0x{body[error.start]:02x}); save it as UTF-8",
        ) from None


def _wide_encoding(raw: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when `raw` is one of them (by its byte order mark, or by the
    zero bytes that ASCII text has in them); reading it as UTF-8 said "remove U+0000"."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32 (it starts with a UTF-32 byte order mark)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 (it starts with a UTF-16 byte order mark)"
    sample = raw[:200]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        if sample[1::2].count(0) * 2 >= len(sample) // 2 or sample[0::2].count(0) * 2 >= len(sample) // 2:
            return "UTF-16 or UTF-32 (every other byte is zero)"
    return None


def _syntax_hint(error: yaml.MarkedYAMLError, text: str) -> str:
    problem = f"{error.problem or ''} {error.context or ''}"
    mark = error.problem_mark
    char = ""
    if mark is not None and 0 <= mark.index < len(text):
        char = text[mark.index]
    if "\\t" in problem or char == "\t" or "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if char == "?" or "'?'" in problem:
        return "a `?` inside [ ] or { } must be quoted: write \"Is it for me?\""
    if "alias" in problem or "anchor" in problem:  # `summary: *Really* slow` (Markdown)
        return "text that starts with `*`, `&` or `!` must be quoted: write key: \"*a* b\""
    if "mapping values are not allowed" in problem:
        # `- name: A` then `     emotion: 1` one column off: YAML reads "A emotion" as the
        # text of `name`, then trips on the `:`. Quoting is the wrong advice for that.
        lines = _LINE_BREAK.split(text)
        line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        if mark is not None and re.fullmatch(r"\s*[\w-]+", line[: mark.column]):
            key = line[: mark.column].strip()
            return (f"`{key}:` does not line up with the keys above it; fix its indentation"
                    " (or, if it is text, quote the whole value)")
        return 'text with ": " must be quoted: write key: "a: b"'
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return "close the quote or bracket that was opened"
    if "flow sequence" in problem or "flow mapping" in problem:
        # The parser only notices at the next line; say which bracket is still open.
        opened = error.context_mark
        where = f" at line {opened.line + 1}, column {opened.column + 1}" if opened else ""
        return (
            f"close the `[` or `{{` opened{where}, and quote items that contain `,`, `:` or"
            " brackets"
        )
    if "expected <document start>" in problem and re.search(r"^\.\.\.[ \t]*(?:#.*)?$", text, re.M):
        return ("a `...` line ends the YAML document, and a map file holds one: remove the"
                " `...` line")
    if "expected a single document" in problem:  # a `---` line inside the map
        return "a map file holds one document: remove the `---` line, or split the file in two"
    if "could not find expected ':'" in problem:
        return "each line of a mapping needs `key: value`; check the indentation above"
    if "expected <block end>" in problem:
        return "check the indentation: items of one list or mapping must line up"
    return "check the indentation and quote text that contains `:`, `#`, `[`, `{` or `?`"


def _check_depth(text: str) -> None:
    """Reject runaway nesting before composing: libyaml's composer recurses in C, and a
    file of 50,000 `[` crashed the whole process with a segfault (no RecursionError)."""
    try:
        _walk_depth(text)
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" not in f"{error.problem}":
            raise
        # libyaml 0.2.6 (PyYAML 6.0.3 and later) stops flow nesting at 1,000 levels itself,
        # and its scanner reads ahead of the events counted here, so its own message came
        # first. The text before the bracket it refused still holds the first node past our
        # limit (and any earlier syntax error): walk that, so every PyYAML says the same.
        _walk_depth(text[: error.problem_mark.index])
        mark = error.problem_mark
        raise SourceError(
            mark.line + 1, mark.column + 1, f"nested too deeply; maps need at most {MAX_DEPTH} levels"
        ) from None


def _walk_depth(text: str) -> None:
    depth = 0  # open collections = length of the data path of the next node
    for event in yaml.parse(text, Loader=_Loader):  # the event parser does not recurse
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise SourceError(
                    mark.line + 1, mark.column + 1,
                    f"nested too deeply; maps need at most {MAX_DEPTH} levels",
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _error_mark(error: yaml.MarkedYAMLError, text: str) -> yaml.Mark | None:
    problem, context = error.problem_mark, error.context_mark
    # An unclosed quote or bracket is found at the end of the file, after the last line;
    # where it was opened is the place to fix.
    if problem is not None and context is not None and problem.index >= len(text.rstrip()):
        return context
    return problem or context


def _reader_position(error: yaml.reader.ReaderError, text: str) -> tuple[int, int]:
    """(line, column) of the character a ReaderError rejects. It has no mark, only a
    `position`: a character index from the Python reader, a UTF-8 byte offset from libyaml."""
    index = error.position
    if not (0 <= index < len(text) and ord(text[index]) == error.character):
        index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
    lines = _LINE_BREAK.split(text[:index])
    return len(lines), len(lines[-1]) + 1


# Where a line's content starts, after the indicators that can open a block collection on
# the same line: `- `, `? `, `: `, `--- `, anchors and tags.
_BLOCK_START = re.compile(r"^[ \t]*(?:(?:---|[-?:]|[&!]\S*)[ \t]+)*", re.MULTILINE)


def _may_nest_too_deeply(text: str) -> bool:
    """Whether `text` could nest deeper than MAX_DEPTH, by a bound far cheaper than the event
    parse of `_check_depth` (which was a quarter of loading a map).

    Nested flow collections each need a `[` or `{`. A nested block collection starts to the
    right of its parent, except a sequence under a mapping key, which may share the key's
    column but never twice in a row; and it starts where a line's content starts (see
    `_BLOCK_START`). So block nesting is at most 2 × (that column + 1)."""
    flow = text.count("[") + text.count("{")
    if flow > MAX_DEPTH:
        return True
    if any(mark in text for mark in "\r\x85\u2028\u2029"):
        text = _LINE_BREAK.sub("\n", text)  # so that `^` sees every line YAML sees
    column = max(map(len, _BLOCK_START.findall(text)))
    return 2 * (column + 1) + flow > MAX_DEPTH


def _compose(text: str) -> yaml.Node | None:
    try:
        if _may_nest_too_deeply(text):
            _check_depth(text)
        try:
            return yaml.compose(text, Loader=_Loader)
        except yaml.composer.ComposerError:
            # An undefined alias stops the composer before a syntax error further down,
            # which the full event parse reports first: keep reporting that one.
            _check_depth(text)
            raise
    except yaml.MarkedYAMLError as error:
        mark = _error_mark(error, text)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise SourceError(
            line, column, f"YAML syntax error: {problem}; {_syntax_hint(error, text)}"
        ) from None
    except yaml.reader.ReaderError as error:  # control characters and the like
        line, column = _reader_position(error, text)
        reason = f"{error.reason} (U+{error.character:04X})"
        raise SourceError(line, column, f"unreadable YAML: {reason}; remove that character") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = getattr(error, "reason", None) or str(error).splitlines()[0]
        raise SourceError(line, column, f"unreadable YAML: {reason}; remove that character") from None
    except RecursionError:
        raise SourceError(
            1, 1, f"the document is nested too deeply; maps need at most {MAX_DEPTH} levels"
        ) from None


class _Builder:
    def __init__(self) -> None:
        self.positions = Positions()
        self.count = 0
        self.root: yaml.Node | None = None

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.count > MAX_VALUES:
            if _uses_aliases(self.root):
                raise SourceError(
                    line, column,
                    f"the document expands to more than {MAX_VALUES:,} values (an alias bomb?);"
                    " remove the repeated `*alias` references",
                )
            raise SourceError(
                line, column,
                f"the file holds more than {MAX_VALUES:,} values, more than one map needs;"
                " split it into one file per persona",
            )
        if len(path) > MAX_DEPTH:
            raise SourceError(
                line, column, f"nested too deeply; maps need at most {MAX_DEPTH} levels"
            )
        self.positions.values.setdefault(path, (line, column))
        if isinstance(node, yaml.ScalarNode):
            # Plain `~`, `null` or nothing is "no value"; everything else is text.
            # A plain scalar's style is None from the Python parser but "" from libyaml.
            value = node.value
            if node.end_mark.line > node.start_mark.line and node.style != "|":
                value = join_cjk_folds(value)  # folded from several lines
            if not node.style:
                return None if value in _NULLS else value
            if node.style == '"' and _SURROGATE.search(node.value):
                # `"\ud800"`: libyaml rejects a surrogate escape, the pure-Python parser
                # keeps it, and writing the page as UTF-8 then crashed the build. Only a
                # double-quoted scalar has escapes.
                raise SourceError(
                    line, column, "invalid character escape (a lone surrogate such as"
                    " `\\ud800`); write the character itself, or `\\U0001F600` for an emoji",
                )
            return Quoted(value)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (index,)) for index, child in enumerate(node.value)]
        return self._mapping(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path, merged_at: tuple[int, int] | None = None
                 ) -> dict[str, Any]:
        """A mapping's data. With `merged_at` (the `<<` key that merges it into `path`), the
        keys it adds are placed there: a duplicate stage id that a merge made is reported
        where the merge is, not twice at the anchor."""
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        merge: tuple[yaml.Node, list[yaml.Node]] | None = None
        for key_node, value_node in node.value:
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == _MERGE_TAG:
                if merge is not None:
                    raise SourceError(
                        line, column,
                        f"a second `<<` merge key in one mapping (the first is at line"
                        f" {merge[0].start_mark.line + 1}); YAML would use only one of them:"
                        " merge several mappings with one key, `<<: [*first, *second]`",
                    )
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                merge = (key_node, sources)
                continue
            key = self._key(key_node)
            if key in result:
                raise SourceError(
                    line,
                    column,
                    f"duplicate key `{short(key)}` (first at line {first_lines[key]}); YAML would"
                    " keep only the last one, so remove or rename one of them",
                )
            first_lines[key] = line
            at = merged_at or (line, column)
            if merged_at is None:
                self.positions.keys[path + (key,)] = at
            else:
                self.positions.keys.setdefault(path + (key,), at)
                self.positions.values.setdefault(path + (key,), at)
            result[key] = self.build(value_node, path + (key,))
        if merge is not None:  # `<<: *defaults`: explicit keys win, then earlier sources.
            key_node, sources = merge
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    mark = source.start_mark
                    raise SourceError(mark.line + 1, mark.column + 1, "`<<` must merge a mapping")
                for key, value in self._mapping(source, path, where).items():
                    result.setdefault(key, value)
        return result

    @staticmethod
    def _key(node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            mark = node.start_mark
            raise SourceError(
                mark.line + 1, mark.column + 1, "keys must be plain text, not a list or mapping"
            )
        return node.value


def _uses_aliases(root: yaml.Node | None) -> bool:
    """Whether a node is reached twice (an `*alias`). Asked only when a document is too big,
    so a large plain map is not called an alias bomb; stops at the first repeat."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        else:
            for key, value in node.value:
                stack += (key, value)
    return False


def _check_invisible_breaks(text: str) -> None:
    found = _INVISIBLE_BREAKS.search(text)
    if found:
        line, column = editor_position(text, found.start())
        name = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
        char = found.group(0)
        raise SourceError(
            line, column,
            f"invisible {name[char]} character (U+{ord(char):04X}), which YAML reads as a line"
            " break: delete it (pasted text often carries one), or write"
            f" `\\u{ord(char):04x}` inside double quotes",
        )


def parse(text: str) -> tuple[Any, Positions]:
    """The document's data and positions; raises SourceError for unreadable input."""
    _check_invisible_breaks(text)
    node = _compose(text)
    builder = _Builder()
    builder.root = node
    if node is None:
        return None, builder.positions
    try:
        return builder.build(node, ()), builder.positions
    except RecursionError:
        raise SourceError(
            1, 1, f"the document is nested too deeply; maps need at most {MAX_DEPTH} levels"
        ) from None
