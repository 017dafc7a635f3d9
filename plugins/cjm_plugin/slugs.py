"""Safe ids: they become folder names, file names and URLs, so they must never escape a
folder, and never be too long for a file name.

An id is lowercase ASCII letters and digits, or letters, marks and digits of scripts that
have no ASCII form (认知, осведомлённость, जागरूकता), in runs joined by single `-` or `_`.
Latin letters are written without accents (`é` -> `e`, `ß` -> `ss`), as before: those ids
stay plain ASCII in URLs. Names in other scripts keep their own letters: a fallback such as
`stage-1` made the stages 认知 and 投诉 of two personas one "shared" stage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# At most this many characters: `<id>-emotion.dot` and the temporary file written beside it
# stay under the 255 bytes a file name may have, even in a 4-byte-per-character script.
MAX_ID_LENGTH = 50

_WORD = r"(?:[a-z0-9]|[^\x00-\x7F])+"
# For JSON Schema (editors): the loader also checks that non-ASCII characters are letters,
# marks or digits of a non-Latin script, lowercase and in NFKC form (see `is_safe_slug`).
SLUG_PATTERN = rf"^{_WORD}(?:[-_]{_WORD})*$"
_ASCII_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_SEPARATORS = re.compile(r"-{2,}")

# Latin letters that have no ASCII decomposition.
_LATIN = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                        "þ": "th", "ı": "i", "ŋ": "ng", "ħ": "h", "ŧ": "t", "ĸ": "k", "ſ": "s"})


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN ")


def slugify(text: str) -> str:
    """The id a name gives: ``"Sign-up & pay"`` -> ``"sign-up-pay"``, ``"Étape 1"`` ->
    ``"etape-1"``, ``"认知 阶段"`` -> ``"认知-阶段"``; "" when it has no letter or digit.
    Not shortened (see `derive_id`)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        if ch.isascii():
            out.append(ch if ch.isalnum() else "-")
        elif _is_latin(ch):
            folded = unicodedata.normalize("NFKD", ch.translate(_LATIN))
            out.append("".join(c for c in folded if c.isascii() and c.isalnum()))
        elif unicodedata.category(ch)[0] in "LN":
            out.append(ch)
        elif unicodedata.category(ch)[0] == "M":
            # A vowel sign of the letter before it (Devanagari, Thai...) stays; an accent
            # left over on an ASCII letter (`İ`.lower() is `i` + U+0307) goes.
            if out and out[-1] and not out[-1][-1].isascii() and out[-1][-1] != "-":
                out.append(ch)
        else:
            out.append("-")  # punctuation, symbols, emoji, spaces, invisible characters
    slug = _SEPARATORS.sub("-", "".join(out)).strip("-")
    return unicodedata.normalize("NFKC", slug)


def _has_slug_shape(value: str) -> bool:
    if value.isascii():
        return bool(_ASCII_SLUG.fullmatch(value))  # `$` alone would accept a trailing newline
    # Non-ASCII: exactly what `slugify` keeps (so no accents on Latin letters, no capitals,
    # no invisible or bidi characters), with `_` allowed as in ASCII ids.
    return all(slugify(part) == part and part for part in re.split(r"[-_]", value))


def is_safe_slug(value: str) -> bool:
    return 0 < len(value) <= MAX_ID_LENGTH and _has_slug_shape(value)


def _digest(text: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:8]


def shorten(slug: str, source: str | None = None) -> str:
    """`slug` if it is short enough, else its start and a hash of the whole (of `source`
    when given), so that two long names with the same beginning stay apart."""
    if len(slug) <= MAX_ID_LENGTH:
        return slug
    head = slug[: MAX_ID_LENGTH - 9].rstrip("-_")
    return f"{head}-{_digest(source if source is not None else slug)}"


def derive_id(name: str, fallback: str = "item") -> str:
    """A safe id for `name` (a stage's name, a persona's file name): its slug, shortened
    when long; `<fallback>-<hash>` for a name with no letter or digit (`"🙂"`, `"???"`),
    so two different such names never get the same id, and equal names always do."""
    slug = slugify(name)
    if not slug:
        return f"{fallback}-{_digest(name)}"
    return shorten(slug, name)


def can_shorten(value: str) -> bool:
    """Whether `value` is a safe id but for its length (a long file name)."""
    return len(value) > MAX_ID_LENGTH and _has_slug_shape(value)
