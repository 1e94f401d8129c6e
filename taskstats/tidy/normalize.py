"""Normalisation rules, one place for each: people, units, roles, collectives, sources, targets.

Every function here is pure: strings in, strings (or small records) out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from taskstats.io.grid import CONTROL_CHARACTERS
from taskstats.tidy.vocabulary import (
    COLLECTIVE_LEADER,
    COLLECTIVE_UNIT,
    DEADLINE_LABEL,
    LEADER_LABEL,
    ROLE_LABEL,
    ROLE_WORD,
    is_placeholder,
    label_role,
    word_role,
)

__all__ = [
    "LEAD",
    "QUANTIFIED",
    "SUPPORT",
    "TARGET_UNITS",
    "Split",
    "UnitMention",
    "clean_cell",
    "fold",
    "is_collective_leader",
    "is_collective_unit",
    "is_quantified",
    "is_target_pending",
    "join_text",
    "name_folds",
    "normalise_leader",
    "parse_source",
    "parse_units",
    "split_host",
    "split_leaders",
    "unify_unit_names",
]


LEAD = "lead"
SUPPORT = "support"

# --- text ------------------------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?(?:b|i|u|em|strong|span|font|p|div|td|tr|sup|sub)(?:\s[^>]*)?>", re.I)
_HTML_BR = re.compile(r"<br\s*/?>", re.I)
_WS = re.compile(r"[\s\u3000]+")
# Direction overrides, embeddings and isolates: a name holding one may be shown reversed.
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_cell(value: object) -> str:
    """A cell's text with HTML markup from the extraction and control characters (other than
    tab and newline) removed, and its ends stripped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    text = _HTML_BR.sub("\n", text)
    text = _HTML_TAG.sub("", text)
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The form names are compared in: format characters (zero-width spaces, joiners,
    direction marks, soft hyphens), variation selectors and control characters removed,
    full-width forms folded to half-width (NFKC), traditional forms to simplified (OpenCC
    ``t2s``), and all white space removed. ``"區\u200b發改局 "`` folds to ``"区发改局"``."""
    text = _simplified(unicodedata.normalize("NFKC", _visible(text)))
    return _WS.sub("", text)


def name_folds(raw: str) -> tuple[str, ...]:
    """The less visible rules :func:`fold` applies to a name, by code: ``invisible`` (format
    characters, variation selectors, control characters), ``traditional`` (traditional forms
    made simplified) and ``direction`` (a direction override or embedding, which may have
    shown the name reversed)."""
    found = []
    visible = _visible(raw)
    if visible != raw:
        found.append("invisible")
    if _DIRECTION.search(raw):
        found.append("direction")
    plain = unicodedata.normalize("NFKC", visible)
    if _simplified(plain) != plain:
        found.append("traditional")
    return tuple(found)


def _invisible(ch: str) -> bool:
    code = ord(ch)
    return (
        (unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\t\n\r")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x180B <= code <= 0x180F  # Mongolian free variation selectors
    )


def _visible(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch for ch in text if not _invisible(ch))


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    if text.isascii():
        return text
    return _t2s().convert(text)


def join_text(parts: list[str]) -> str:
    """Join a task's text parts (wrapped lines, sub-targets) into one string."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not out.endswith(("。", "；", ";", "，", ",", "：", ":", "!", "！", "?", "？")):
            out += "；" if re.search(r"[\u4e00-\u9fff%）)]$", out) else " "
        out += part
    return out


# --- people ----------------------------------------------------------------------------------

_NAME_SEPARATORS = re.compile(r"[\n、，,；;/／|]+")


@dataclass(frozen=True)
class Split:
    """Items split from one cell, and notes on splits that were guesses."""

    items: tuple[str, ...]
    notes: tuple[str, ...] = ()


def split_leaders(cell: str) -> Split:
    """Split a leader cell into names as written, keeping a padded two-character name whole.

    ``"陈 斌 陈清拥"`` gives ``("陈 斌", "陈清拥")``; ``"原  驰\n朱显成"`` gives
    ``("原  驰", "朱显成")``. :func:`normalise_leader` then removes the padding.
    """
    names: list[str] = []
    notes: list[str] = []
    if is_placeholder(fold(cell)):
        return Split(())
    for part in _NAME_SEPARATORS.split(unicodedata.normalize("NFKC", cell)):
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", part)]
        i = 0
        while i < len(spans):
            start, end = spans[i]
            width = end - start
            if width == 1 and i + 1 < len(spans):
                nxt = spans[i + 1]
                if nxt[1] - nxt[0] != 1:
                    notes.append(
                        f"joined {part[start:end]!r} with {part[nxt[0] : nxt[1]]!r} into one name"
                    )
                names.append(part[start : nxt[1]])
                i += 2
                continue
            if width == 1 and names:
                notes.append(f"joined a lone {part[start:end]!r} to the name before it")
                names[-1] += part[start:end]
            else:
                names.append(part[start:end])
            i += 1
    kept = tuple(n for n in names if n.strip() and not is_placeholder(fold(n)))
    return Split(kept, tuple(notes))


def normalise_leader(name: str) -> str:
    """A leader's name with all whitespace removed: ``"隋 斌"`` and ``"隋斌"`` are one person."""
    return fold(name)


def is_collective_leader(name: str) -> bool:
    """Whether a leader entry names a group (各副区长, 各分管委领导), not one person."""
    return bool(COLLECTIVE_LEADER.search(fold(name)))


# --- units -----------------------------------------------------------------------------------

_NOTE = re.compile(r"[(（]以下简称[^()（）]*[)）]")
_UNIT_SPLIT = re.compile(r"[、，,；;／/\n\s\u3000]+")
_SUFFIX_TOKEN = re.compile(r"^(办公室|成员单位|各成员单位|管委会|项目.*)$")
_TRAILING_ETC = re.compile(r"(等单位|等部门|等相关单位|等)$")
_PAREN_TAIL = re.compile(r"^(.*?)\s*[(（]([^()（）]+)[)）]$")
_LEVEL_PREFIXES = ("区", "市", "省", "县")
_BUREAU_END = ("局", "厅")
_PLACE_CHARS = re.compile(r"[区市省县镇街乡]")
_NOT_PREFIX = ("区直", "区域", "市场", "市政", "省级", "县城")
_ORG_END = re.compile(
    r"(局|办|委|会|部|处|室|科|中心|指挥部|街道|办事处|集团|公司|队|院|所|站|馆|联|协|社区|镇|乡|"
    r"区|组|班|团|厅|署|行|校|单位|部门|片区|机构|政府|分局|办公室|协会|医院|学校|企业)$"
)
_OFFICE_END = ("办", "办公室", "中心", "小组", "指挥部", "专班", "服务中心")
_HOST_END = ("局", "委", "厅", "部", "政府", "管委会", "集团", "公司", "分局")


@dataclass(frozen=True)
class UnitMention:
    """One unit named in a cell, with its role in the task.

    Attributes:
        raw: The unit as written (after splitting), e.g. ``营商办（发改局）``.
        unit: Its normalised name, e.g. ``营商办``.
        host: The host office named in brackets, e.g. ``发改局``, or ``""``.
        role: ``lead`` or ``support``.
        collective: Whether it is a placeholder for many units (各相关单位, 街道 …).
    """

    raw: str
    unit: str
    host: str
    role: str
    collective: bool


def is_collective_unit(name: str) -> bool:
    """Whether a unit entry is a placeholder for many units (各相关单位, 区直各有关单位, 板块)."""
    return bool(COLLECTIVE_UNIT.search(fold(name)))


def parse_units(cell: str, default_role: str) -> tuple[list[UnitMention], list[str]]:
    """Parse a unit cell or phrase into units with roles.

    Handles plain lists (``"税务局\\n财政局"``), role phrases (``"A牵头，B、C配合"``,
    ``"A、B分别办理"``, ``"A主办,B协办"``, ``"A牵头，B按职责分工负责"``) and labelled forms
    (``"牵头单位：A，配合单位：B"``). A level prefix written once applies to the rest of the
    list: ``"省工业和信息化厅、科技厅"`` names 省科技厅.

    Args:
        cell: The cell text.
        default_role: Role of units with no role word (the column's role).

    Returns:
        The mentions in order, and notes on guesses made while splitting.
    """
    notes: list[str] = []
    if is_placeholder(fold(cell)):
        return [], notes  # "无配合单位", "n/a": the cell names no unit
    text = _NOTE.sub("", cell)
    text = LEADER_LABEL.split(text)[0] if LEADER_LABEL.search(text) else text
    text = DEADLINE_LABEL.split(text)[0] if DEADLINE_LABEL.search(text) else text
    clauses = _role_clauses(text, default_role)
    mentions: list[UnitMention] = []
    prefix = ""
    for clause, role in clauses:
        for raw in _split_unit_list(clause, notes):
            if is_placeholder(fold(raw)):
                continue  # "无", "/", "暂无": no unit
            raw, prefix = _apply_prefix(raw, prefix)
            unit, host = split_host(raw)
            if not unit:
                continue
            mentions.append(UnitMention(raw, unit, host, role, is_collective_unit(unit)))
    return mentions, notes


def split_host(raw: str) -> tuple[str, str]:
    """Split ``营商办（发改局）`` into the unit (营商办) and its host (发改局).

    A bracket after a bureau names an office inside it (``区发改局 (重点办)``): the bureau is
    the unit and no host is set.
    """
    name = fold(raw)
    match = _PAREN_TAIL.match(name)
    if not match:
        return name, ""
    outer, inner = match.group(1), match.group(2)
    if not outer:
        return inner, ""
    if outer.endswith(_OFFICE_END) and inner.endswith(_HOST_END):
        return outer, inner
    return outer, ""


def unify_unit_names(units: set[str], prefix: str) -> dict[str, str]:
    """Map unit names to the district's form: ``发改局`` → ``区发改局`` when both occur."""
    if not prefix:
        return {}
    return {u: prefix + u for u in units if not u.startswith(prefix) and prefix + u in units}


def _role_clauses(text: str, default_role: str) -> list[tuple[str, str]]:
    labels = list(ROLE_LABEL.finditer(text))
    if labels:
        clauses = []
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
            role = label_role(m.group(1)) or default_role
            # "牵头单位：A、B按职责分工负责": role words inside a labelled list too.
            clauses.extend(_word_clauses(text[m.end() : end], role))
        head = text[: labels[0].start()]
        if head.strip(" ，,；;。"):
            clauses[:0] = _word_clauses(head, default_role)
        return clauses
    return _word_clauses(text, default_role)


def _word_clauses(text: str, default_role: str) -> list[tuple[str, str]]:
    clauses = []
    pos = 0
    seen_lead = False
    for m in ROLE_WORD.finditer(text):
        role = word_role(m.group(1))
        if role == "shared":
            # "A、B按职责分工负责": co-leads in a lead column, support in a support column;
            # "A牵头，各成员单位分别办理": after a lead, the rest work alongside it.
            role = SUPPORT if seen_lead else default_role
        segment = text[pos : m.start()]
        seen_lead = seen_lead or role == LEAD
        if segment.strip(" ，,；;。、"):
            clauses.append((segment, role))
        pos = m.end()
    tail = text[pos:]
    if tail.strip(" ，,；;。、"):
        clauses.append((tail, default_role if not clauses else SUPPORT))
    return clauses


def _split_unit_list(clause: str, notes: list[str]) -> list[str]:
    # Tokens with the separator before them: " " for white space, "," for punctuation.
    tokens: list[tuple[str, str]] = []
    depth = 0
    current, sep, pending_sep = "", ",", ","
    for ch in clause:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and _UNIT_SPLIT.fullmatch(ch):
            if current:
                tokens.append((current, sep))
                current, pending_sep = "", " "
            if ch not in " \u3000":
                pending_sep = ","
            continue
        if not current:
            sep = pending_sep
        current += ch
    if current:
        tokens.append((current, sep))
    out: list[str] = []
    joinable = False  # whether the last token came after white space and is not a full name
    for tok, sep in ((t.strip(" ，,；;。、:：\t"), s) for t, s in tokens):
        if not tok:
            continue
        glue = " " if sep == " " else ""
        if re.fullmatch(r"[(（][^()（）]+[)）]", tok) and out:
            out[-1] += glue + tok
            continue
        if out and _SUFFIX_TOKEN.match(fold(tok)) and not is_collective_unit(out[-1]):
            notes.append(f"joined {out[-1]!r} and {tok!r} into one unit")
            out[-1] += glue + tok
            joinable = False
            continue
        if out and sep == " " and joinable:
            notes.append(f"joined {out[-1]!r} and {tok!r} into one unit (no unit ending)")
            out[-1] += glue + tok
            joinable = not _ORG_END.search(out[-1])
            continue
        tok = _TRAILING_ETC.sub("", tok) or tok
        if "及" in tok and re.match(r"^(各|相关|有关)", tok) and not tok.endswith("成员单位"):
            left, _, right = tok.partition("及")
            out.extend(x for x in (left, right) if x)
            joinable = False
            continue
        out.append(tok)
        joinable = not _ORG_END.search(tok)
    return out


def _apply_prefix(raw: str, prefix: str) -> tuple[str, str]:
    """Carry a level prefix (区/市/省) from earlier items to short bureau names after them.

    Only abbreviated names (科技厅, 工信局) take the prefix here; a longer bare name such as
    鼓楼公安分局 may start with a place name, and is left to :func:`unify_unit_names`.
    """
    name = fold(raw)
    for p in _LEVEL_PREFIXES:
        if name.startswith(p) and len(name) > 2 and not name.startswith(_NOT_PREFIX):
            return raw, p
    if prefix and name.endswith(_BUREAU_END) and len(name) <= 4 and not _PLACE_CHARS.search(name):
        return prefix + raw, prefix
    return raw, prefix


# --- sources and targets ---------------------------------------------------------------------

_SELF = re.compile(r"自增|自定|自选|自加|区级|区定|本级")


def parse_source(cell: str) -> str | None:
    """``省任务`` → province, ``市任务`` → city, ``自增任务`` (even split over lines) → self.

    Returns None for an empty cell and ``"unrecognised"`` for text that names no source.
    """
    text = fold(cell)
    if not text:
        return None
    if _SELF.search(text):
        return "self"
    if "省" in text:
        return "province"
    if "市" in text:
        return "city"
    if "国家" in text or "中央" in text:
        return "province"
    return "unrecognised"


_PENDING = re.compile(r"[xX]{2,}")
TARGET_UNITS = (
    r"%|个百分点|亿元|万元|亿美元|万美元|万平方米|平方米|万亩|亩|公里|千米|万人次|万人|万户|万套|万株|万家|万辆|"
    r"个|家|座|项|人|户|所|处|件|部|场|张|辆|套|条|幢|支|次|名|台|栋|万|亿|倍|微克|吨|床|间|批|块|只|棵|株"
)
QUANTIFIED = re.compile(rf"(?<![0-9A-Za-z#])[0-9]+(?:\.[0-9]+)?\s*(?:{TARGET_UNITS})")


def is_target_pending(text: str) -> bool:
    """Whether the text leaves its target to be set ("XX人", "XX个项目")."""
    return bool(_PENDING.search(unicodedata.normalize("NFKC", text)))


def is_quantified(text: str) -> bool:
    """Whether the text sets a numeric target: 增长7%, 新建8座, 2000个 (years do not count)."""
    return bool(QUANTIFIED.search(unicodedata.normalize("NFKC", text)))
