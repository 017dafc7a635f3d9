"""Safe ids: they become folder names and URLs, so they must never escape a folder."""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)


def is_safe_slug(value: str) -> bool:
    return bool(_SLUG_RE.fullmatch(value))  # `$` alone would accept a trailing newline


def slugify(text: str) -> str:
    """ASCII slug of a name: ``"Sign-up & pay"`` -> ``"sign-up-pay"``.

    Accented letters lose their accents; scripts with no ASCII form (Chinese,
    Arabic) give an empty string, and callers fall back to a positional id.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
