"""What the pages show about evidence, confidence and links between items: the rows of the
evidence page, the anchors items get on their stage page, and the words of these views."""

from __future__ import annotations

from .links import LinkIndex, Placed, confidence
from .model import SEVERITY_ORDER, Evidence
from .research import LoadedResearch

# Every word these views show a reader (issue #15 moves them to per-language files).
LABELS = {
    "evidence_title": "Evidence",
    "evidence_intro": "{sources} research source{s}, and every stage, pain point and metric that"
                      " cites one. Items that cite no evidence count as assumed.",
    "evidence_none": "No research recorded yet. Describe your sources in maps/_research.yml and"
                     " cite them by id on stages, pain points and metrics.",
    "sources_heading": "Sources",
    "source": "Source",
    "kind": "Kind",
    "date": "Date",
    "cited": "Cited",
    "cited_by_none": "Cited by no map yet.",
    "open_source": "Open the source",
    "what_stage": "Emotion of the stage",
    "what_pain": "Pain point",
    "what_metric": "Metric",
    "assumed_heading": "Still assumed",
    "assumed_intro": "Pain points that no evidence backs yet, worst first: questions for the next"
                     " round of research.",
    "assumed_none": "Every pain point is backed by evidence.",
    "observed_count": "{observed} of {total} pain points are backed by evidence.",
    "confidence": "Confidence",
    "confidence_observed": "observed",
    "confidence_assumed": "assumed",
    "confidence_observed_title": "Observed: backed by research",
    "confidence_assumed_title": "Assumed: not backed by research yet",
    "kind_interview": "interview",
    "kind_survey": "survey",
    "kind_analytics": "analytics",
    "kind_support": "support",
    "kind_usability-test": "usability test",
    "kind_review": "review",
    "kind_other": "other",
    "evidence": "Evidence",
    "at_touchpoint": "at",
    "pain_point": "Pain point",
    "severity": "Severity",
    "opportunity": "Opportunity",
    "status": "Status",
    "addresses": "Addresses",
    "addressed_by": "Addressed by",
    "not_addressed": "none linked",
    "moment_of_truth": "Moment of truth",
    "moment_of_truth_title": "A moment of truth: this stage decides whether the persona stays or goes",
    "moment_of_truth_note": "This stage decides whether the persona stays or goes.",
}


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
