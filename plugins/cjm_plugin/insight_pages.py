"""What the pages show about evidence, confidence and links between items: the rows of the
evidence page and the anchors items get on their stage page (their words are in labels/*.yml,
given to the templates as `L`)."""

from __future__ import annotations

from .links import LinkIndex, Placed, confidence
from .model import SEVERITY_ORDER, Evidence
from .research import LoadedResearch


def anchor(kind: str, item_id: str | None) -> str:
    """The id of an item's anchor on its page: `pain-…`, `opportunity-…`, `evidence-…`."""
    return f"{kind}-{item_id}" if item_id else ""


def evidence_rows(links: LinkIndex, research: LoadedResearch | None) -> list[tuple[Evidence, list[Placed]]]:
    """Each source as written in the research file, with everything that cites it."""
    if research is None:
        return []
    seen: set[str] = set()
    rows = []
    for evidence in research.research.evidence:
        if evidence.id not in seen:
            seen.add(evidence.id)
            rows.append((evidence, links.citations.get(evidence.id, [])))
    return rows


def pain_confidence(links: LinkIndex) -> tuple[int, list[Placed]]:
    """(how many pain points are observed, the assumed ones worst first, then in map order)."""
    pains = [p for p in links.placed if p.kind == "pain"]
    assumed = [p for p in pains if confidence(p.item) == "assumed"]
    return len(pains) - len(assumed), sorted(assumed, key=lambda p: SEVERITY_ORDER[p.item.severity])
