"""Journey diagrams: maps -> DOT (`dot_source`), DOT -> SVG through Graphviz (`render`).

No MkDocs here: the plugin and the CLI both call these functions.
"""

from .dot_source import (
    EMOTION_FILL,
    emotion_class,
    journey_dot,
)
from .render import (
    INSTALL_MESSAGE,
    Renderer,
    RenderRequest,
    RenderResult,
    find_dot,
    html_block,
    inline_svg,
)

__all__ = [
    "EMOTION_FILL",
    "INSTALL_MESSAGE",
    "RenderRequest",
    "RenderResult",
    "Renderer",
    "emotion_class",
    "find_dot",
    "html_block",
    "inline_svg",
    "journey_dot",
]
