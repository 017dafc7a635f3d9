"""Maps for the canvas tests: long journeys with every lane, kind and line."""

from __future__ import annotations

SEVERITIES = ("low", "medium", "high")


def long_map(stages: int = 10, persona_id: str = "ten", name: str = "Ten stage tester") -> str:
    """A map with `stages` stages, each with every lane of the canvas filled, and one
    blueprint lane of each kind (so every line of the blueprint is drawn)."""
    lines = [
        "persona:", f"  name: {name}", f"  id: {persona_id}", "  quote: Long journeys need a wide wall.",
        "lanes:",
        "  - {id: evidence, name: Evidence, kind: evidence}",
        "  - {id: desk, name: Front desk, kind: frontstage}",
        "  - {id: ops, name: Operations}",
        "  - {id: systems, name: Systems, kind: support}",
        "stages:",
    ]
    for n in range(1, stages + 1):
        emotion = [-2, -1, 0, 1, 2][n % 5]
        lines += [
            f"  - id: s{n}",
            f"    name: Stage number {n} of the journey",
            f"    emotion: {emotion}",
            f"    feeling: Feeling {n}",
            "    actions:",
            f"      - Action {n} a, which is a fairly long sentence about what happens",
            f"      - Action {n} b",
            "    thoughts:",
            f"      - Thought {n}",
            "    touchpoints:",
            f"      - {{name: Touchpoint {n}, channel: web, owner: Team {n}, emotion: {emotion}}}",
            "    pain_points:",
            f"      - {{text: Pain {n}, severity: {SEVERITIES[n % 3]}}}",
            f"      - Pain {n} b",
            "    opportunities:",
            f"      - {{text: Idea {n}, owner: Team {n}, status: planned, link: 'https://example.com/{n}'}}",
            "    metrics:",
            f"      - {{name: Metric {n}, value: {n * 10}, target: 50, unit: '%'}}",
            "    lanes:",
            f"      evidence: [Receipt {n}]",
            f"      desk: [Desk {n}]",
            f"      ops: [Ops {n}]",
            f"      systems: [System {n}]",
        ]
    return "\n".join(lines) + "\n"
