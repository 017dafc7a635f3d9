"""Which map field a spreadsheet column holds, from its header.

Headers are matched by name, ignoring case, spaces, punctuation and a note in brackets
(`Emotion (1-5)` is `emotion`), against the words teams use for each field, in English,
German, French, Spanish and Chinese. `cjm import --map COLUMN=FIELD` overrides the match.
"""

from __future__ import annotations

import re
import unicodedata

# Field -> the words that name it (any case and spacing). A field's own name comes first.
# Each word names one field only (test_import.py checks).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "stage": (
        "stage", "phase", "step", "journey stage", "journey step", "stage name",
        "phase name", "step name",
        "schritt", "stufe", "etappe", "abschnitt",  # de (Phase is the same)
        "étape",  # fr (phase)
        "etapa", "fase",  # es
        "阶段", "环节", "步骤", "阶段名称",  # zh
    ),
    "stage id": ("stage id", "phase id", "step id", "phasen id", "id de l'étape", "阶段id"),
    "persona": ("persona", "persona name", "personaname", "角色", "用户画像"),
    "objective": (
        "objective", "goal", "business goal", "stage goal", "stage objective",
        "ziel", "objectif", "objetivo", "目标",
    ),
    "description": (
        "description", "details", "detail", "beschreibung", "descripción", "描述", "说明",
    ),
    "stage description": ("stage description", "phase description", "phasenbeschreibung"),
    "feeling": (
        "feeling", "feelings", "feeling in words", "gefühl", "gefühle", "ressenti",
        "sentimiento", "感受",
    ),
    "emotion": (
        "emotion", "emotions", "score", "sentiment", "mood", "satisfaction", "rating",
        "emotional journey", "emotion score",
        "stimmung", "bewertung", "zufriedenheit",  # de (Emotion is the same)
        "émotion", "émotions", "humeur", "satisfaction client",  # fr
        "emoción", "emociones", "puntuación",  # es
        "情绪", "情感", "心情", "评分", "满意度",  # zh
    ),
    "stage emotion": ("stage emotion", "stage score", "stage sentiment", "stage mood"),
    "action": (
        "action", "actions", "activity", "activities", "customer action", "user action",
        "doing", "does", "task",
        "aktion", "aktionen", "handlung", "handlungen", "tätigkeit", "aktivität",  # de
        "acción", "acciones",  # es (fr: action)
        "行为", "行动", "用户行为", "动作",  # zh
    ),
    "thought": (
        "thought", "thoughts", "thinking", "thinks", "customer thought",
        "gedanke", "gedanken", "pensée", "pensées", "pensamiento", "pensamientos",
        "想法", "思考", "用户想法",
    ),
    "touchpoint": (
        "touchpoint", "touchpoints", "touch point", "touch points", "interaction",
        "kontaktpunkt", "kontaktpunkte", "berührungspunkt", "berührungspunkte",  # de
        "point de contact", "points de contact",  # fr
        "punto de contacto", "puntos de contacto",  # es
        "触点", "接触点", "触点名称",  # zh
    ),
    "channel": (
        "channel", "channels", "medium", "kanal", "kanäle", "canal", "canaux", "canales",
        "渠道",
    ),
    "owner": (
        "owner", "team", "owner team", "owned by", "responsible", "department",
        "verantwortlich", "zuständig", "zuständigkeit", "abteilung",  # de (Team)
        "responsable", "équipe", "propriétaire",  # fr
        "equipo", "dueño",  # es (responsable)
        "负责团队", "负责人", "团队", "负责部门",  # zh
    ),
    "link": ("link", "url", "links", "lien", "enlace", "链接"),
    "pain point": (
        "pain point", "pain points", "pain", "pains", "problem", "problems", "issue", "issues",
        "frustration", "frustrations", "pain and problems",
        "schmerzpunkt", "schmerzpunkte", "probleme", "hürde", "hürden", "schwachstelle",  # de
        "point de douleur", "points de douleur", "point de friction", "points de friction",
        "irritant", "irritants", "problème", "problèmes",  # fr
        "punto de dolor", "puntos de dolor", "problema", "problemas",  # es
        "痛点", "问题",  # zh
    ),
    "severity": ("severity", "pain severity", "schweregrad", "gravité", "gravedad", "严重程度"),
    "opportunity": (
        "opportunity", "opportunities", "idea", "ideas", "improvement", "improvements",
        "chance", "chancen", "idee", "ideen", "verbesserung", "verbesserungen",  # de
        "möglichkeit", "möglichkeiten",
        "opportunité", "opportunités", "idée", "idées", "amélioration", "améliorations",  # fr
        "oportunidad", "oportunidades", "mejora", "mejoras",  # es
        "机会", "机会点", "改进机会", "改进点",  # zh
    ),
    "status": ("status", "opportunity status", "statut", "estado", "状态"),
    "metric": (
        "metric", "metrics", "kpi", "kpis", "measure", "kennzahl", "kennzahlen", "metrik",
        "indicateur", "indicateurs", "métrique", "indicador", "métrica", "指标",
    ),
    "value": ("value", "metric value", "wert", "valeur", "valor", "数值", "值"),
    "target": ("target", "metric target", "zielwert", "cible", "valeur cible", "meta", "目标值"),
    "unit": ("unit", "metric unit", "einheit", "unité", "unidad", "单位"),
}

# Not fields of the map: `--map COLUMN=lane` makes a blueprint lane of a column,
# `--map COLUMN=ignore` leaves a column out on purpose.
SPECIAL = ("lane", "ignore")
FIELDS = (*SYNONYMS, *SPECIAL)

_LANE_HEADER = re.compile(
    r"^\s*(?:lane|swimlane|bahn|couloir|carril|泳道)\s*[:：]\s*(?P<a>.+?)\s*$"
    r"|^\s*(?P<b>.+?)\s*[(（]\s*(?:lane|swimlane|bahn|couloir|carril|泳道)\s*[)）]\s*$",
    re.IGNORECASE,
)


def normalize(header: str) -> str:
    """`Pain point(s)` -> `painpoint`: case, spaces, punctuation and bracketed notes ignored."""
    text = unicodedata.normalize("NFKC", header).casefold()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text)
    return re.sub(r"[\W_]+", "", text)


_LOOKUP: dict[str, str] = {}
for _field, _words in SYNONYMS.items():
    for _word in _words:
        _LOOKUP.setdefault(normalize(_word), _field)


def field_for_header(header: str) -> str | None:
    """The field a header names, or None."""
    key = normalize(header)
    if not key:
        return None
    found = _LOOKUP.get(key)
    if found is None and key.endswith("s"):  # English plurals not listed above
        found = _LOOKUP.get(key[:-1])
    return found


def lane_in_header(header: str) -> str | None:
    """The lane a `Lane: CX` or `CX (lane)` header names, or None."""
    match = _LANE_HEADER.match(header)
    return (match.group("a") or match.group("b")) if match else None


def field_named(word: str) -> str | None:
    """The field `--map COLUMN=WORD` names: a field name (`pain point`, `pain_points`) or
    any of its synonyms."""
    key = normalize(word)
    for name in FIELDS:
        if normalize(name) in (key, key.rstrip("s")):
            return name
    return field_for_header(word)
