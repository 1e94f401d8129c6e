"""The words tables are read by, in one place: header words, role words, collectives,
placeholders, section headings, the progress-template header and the progress sheet's headers.

The lists live in ``taskstats/rules/vocabulary.toml`` (package data); this module loads them
once and compiles the patterns the readers (:mod:`taskstats.readers`) and the normalisation
rules (:mod:`taskstats.tidy.normalize`) use. Nothing here folds or parses text: that is
normalize's; this module only says which words mean what.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

__all__ = [
    "COLLECTIVE_LEADER",
    "COLLECTIVE_UNIT",
    "DEADLINE_LABEL",
    "HEADER_FIELDS",
    "HEADING_LEVELS",
    "INLINE_UNITS",
    "LEADER_LABEL",
    "PLACEHOLDERS",
    "ROLE_LABEL",
    "ROLE_WORD",
    "SECTION_1",
    "SECTION_2",
    "SHEET_HEADERS",
    "TEMPLATE_HEADER",
    "VOCABULARY",
    "is_placeholder",
    "label_role",
    "word_role",
]


def _load() -> dict:
    text = resources.files("taskstats").joinpath("rules/vocabulary.toml").read_text("utf-8")
    return tomllib.loads(text)


VOCABULARY: dict = _load()


def _alternation(words: list[str]) -> str:
    """Words as a regex alternation, longest first so that 分别牵头 wins over 牵头."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_HEADERS = VOCABULARY["headers"]
_ROLES = VOCABULARY["roles"]
_COLLECTIVES = VOCABULARY["collectives"]

# Header words by field, most specific first within each field.
HEADER_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(words) for name, words in _HEADERS.items() if name != "template_header"
}
# A progress template's header (完成标准, 证明材料 …), not a task table's.
TEMPLATE_HEADER = re.compile(_alternation(_HEADERS["template_header"]))
# The progress sheet's header words by ledger field: the fill-in sheet's own first, then the
# others a returned sheet may use.
SHEET_HEADERS: dict[str, tuple[str, ...]] = {
    name: tuple(words) for name, words in VOCABULARY["sheet"].items()
}

# "牵头单位：A，配合单位：B" labels; their group 1 is the label.
ROLE_LABEL = re.compile(
    "("
    + _alternation(_ROLES["lead_labels"] + _ROLES["support_labels"] + _ROLES["column_labels"])
    + r")\s*[:：]"
)
LEADER_LABEL = re.compile("(" + _alternation(_ROLES["leader_labels"]) + r")\s*[:：]")
DEADLINE_LABEL = re.compile("(" + _alternation(_ROLES["deadline_labels"]) + r")\s*[:：]")
# Role words after units; group 1 is the word.
ROLE_WORD = re.compile(
    "("
    + _alternation(_ROLES["lead_words"] + _ROLES["support_words"] + _ROLES["shared_words"])
    + ")"
)
# A bracket ending a numbered paragraph names its units when it holds one of these.
INLINE_UNITS = re.compile(_alternation(_ROLES["inline_markers"]))

PLACEHOLDERS: frozenset[str] = frozenset(w.lower() for w in VOCABULARY["placeholders"]["none"])
_PLACEHOLDER_TRIM = " 。.，,；;：:、"

COLLECTIVE_UNIT = re.compile(
    "|".join(
        [
            "^(?:" + _alternation(_COLLECTIVES["unit_prefixes"]) + ")",
            *(f"(?:{p})" for p in _COLLECTIVES["unit_patterns"]),
            "^(?:" + _alternation(_COLLECTIVES["unit_words"]) + ")$",
        ]
    )
)
COLLECTIVE_LEADER = re.compile(
    "|".join(
        [
            "^(?:" + _alternation(_COLLECTIVES["leader_prefixes"]) + ")",
            *(f"(?:{p})" for p in _COLLECTIVES["leader_patterns"]),
        ]
    )
)

# Section headings by level: 一、 / 第一部分 (1), （一） (2), 1. (3), （1） (4).
HEADING_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (level, re.compile(p)) for level, p in enumerate(VOCABULARY["headings"]["levels"], 1)
)
SECTION_1 = HEADING_LEVELS[0][1]
SECTION_2 = HEADING_LEVELS[1][1]


def is_placeholder(folded: str) -> bool:
    """Whether a (folded) cell or item names nobody: 无, /, —, 暂无, 空, 不涉及 …"""
    word = folded.strip(_PLACEHOLDER_TRIM).lower()
    return bool(folded.strip()) and (word in PLACEHOLDERS or not word.strip("/／\\-—－─_"))


def label_role(label: str) -> str | None:
    """The role a unit label gives: ``lead``, ``support``, or None for the column's own."""
    if label in _ROLES["lead_labels"]:
        return "lead"
    if label in _ROLES["support_labels"]:
        return "support"
    return None


def word_role(word: str) -> str:
    """The role a role word gives: ``lead``, ``support``, or ``shared`` (the column's own
    role, unless a lead came before it in the same cell)."""
    if word in _ROLES["lead_words"]:
        return "lead"
    if word in _ROLES["support_words"]:
        return "support"
    return "shared"
