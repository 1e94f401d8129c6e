"""Deadline phrases (完成时限) into dates.

"6月底前" → 06-30, "三季度末" → 09-30, "长期坚持" → ongoing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from taskstats.tidy.normalize import fold

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_PHRASE = re.compile(
    r"(?<![0-9])(?:(?P<y>20\d{2})年度?)?"
    r"(?:(?P<m>" + _MONTH + r")月份?(?:(?P<d>[0-3]?\d)日|(?P<part>底|末|上旬|中旬|下旬))?"
    r"|(?P<half>上半年|下半年|年中)"
    r"|第?(?P<q>[一二三四1-4])季度(?:末|底)?"
    r"|(?P<ye>年底|年末|年内|全年|年度内|当年|底|末))?"
)
_ISO = re.compile(
    r"(?<![0-9])(?P<y>20\d{2})[-/.](?P<m>1[0-2]|0?[1-9])(?:[-/.](?P<d>[0-3]?\d))?(?![0-9])"
)
_ONGOING = re.compile(r"持续推进|长期坚持|常态化|长期|长效|持续|每年|每季度|每月|定期")
_BEFORE = re.compile(r"^(?:之|以)?前")
_DONE = re.compile(
    r"^(?:前|内)?(?:全面|全部|基本|正式|力争|确保)?(?:完成|建成|实现|投入使用|投用|开工|竣工|交付|"
    r"启用|上线|达到|落地|运营|开业|通车|出台|开学|签约|挂牌|办结|验收)"
)
_NOT_A_DEADLINE_BEFORE = re.compile(r"(?:较|比|与|同|自|从|截至|截止|至|相比)$")
_LEAD_IN = re.compile(r"(?:于|在|到|力争|确保)$")
_NUMERAL_BEFORE = re.compile(r"[0-9一二三四五六七八九十两几半多]$")


@dataclass(frozen=True)
class Deadline:
    """A deadline read from a phrase.

    Attributes:
        due_date: The last day of the named period, or None.
        ongoing: Whether the phrase names continuing work (持续推进, 长期坚持, 常态化, 长期).
        parsed: Whether the phrase was understood (a date, or ongoing).
    """

    due_date: dt.date | None
    ongoing: bool
    parsed: bool


def parse_deadline(text: str, year: int | None) -> Deadline:
    """Read a deadline cell: the last day of the period it names.

    ``"2026年12月"`` → 2026-12-31, ``"6月底前"`` → year-06-30, ``"12月25日前"`` → year-12-25,
    ``"年底前"``/``"年内"``/``"全年"`` → year-12-31, ``"上半年"`` → 06-30, ``"三季度末"`` or
    ``"第三季度"`` → 09-30, ``"2020年"`` → 2020-12-31, ``"2020/6/30"`` → 2020-06-30. A cell
    naming several periods (``"6月底前完成方案，12月底前建成"``) gives the latest. ``持续推进``,
    ``长期坚持``, ``常态化``, ``长期`` (and 长效, 每月, 定期) set ``ongoing``.

    Args:
        text: The cell.
        year: The plan's year, for phrases that name none; with None they do not parse.

    Returns:
        The deadline; ``parsed`` is False when the text names no period that can be dated.

    Example:
        >>> parse_deadline("6月底前", 2020).due_date
        datetime.date(2020, 6, 30)
    """
    norm = fold(text)
    matches = [*_ISO.finditer(norm), *_PHRASE.finditer(norm)]
    dates = [d for m in matches if (d := _date_of(m, year)) is not None]
    ongoing = bool(_ONGOING.search(norm))
    due = max(dates) if dates else None
    return Deadline(due, ongoing, due is not None or ongoing)


def deadline_from_text(task_text: str, year: int | None) -> Deadline:
    """Find a deadline inside a task's text, only where it is phrased as one.

    A period counts when it is followed by 前 ("6月底前建成", "2020年前完成"), or names the end
    of a period followed by a completion verb ("年底前完成", "年内投入使用", "上半年完成"), or is
    introduced by 于/在/到 and names an end ("到2020年底"). A date that is only mentioned does not
    count: "2019年完成的……", "较2019年增长", "截至2019年底", "三年内".

    Args:
        task_text: The task's text.
        year: The plan's year, for phrases that name none.

    Returns:
        The latest deadline found (``ongoing`` always False); ``parsed`` False when none is.
    """
    norm = fold(task_text)
    dates = []
    for m in _PHRASE.finditer(norm):
        if m.start() == m.end() or not _phrased_as_deadline(norm, m):
            continue
        date = _date_of(m, year)
        if date is not None:
            dates.append(date)
    due = max(dates) if dates else None
    return Deadline(due, False, due is not None)


def _phrased_as_deadline(norm: str, m: re.Match[str]) -> bool:
    before, after = norm[: m.start()], norm[m.end() :]
    if _NOT_A_DEADLINE_BEFORE.search(before):
        return False
    if m.group("ye") in ("全年", "当年"):
        return False
    if m.group("ye") and not m.group("y") and _NUMERAL_BEFORE.search(before):
        return False  # 三年内, 两年底: a duration, not a date
    ends_period = bool(
        m.group("part") in ("底", "末", "下旬")
        or m.group("ye")
        or m.group("half")
        or m.group("q")
        or m.group("d")
    )
    if _BEFORE.match(after):
        return True
    if ends_period and _DONE.match(after):
        return True
    return ends_period and bool(_LEAD_IN.search(before))


def _date_of(m: re.Match[str], year: int | None) -> dt.date | None:
    if m.start() == m.end():
        return None
    g = {k: v for k, v in m.groupdict().items() if v}
    y = int(g["y"]) if "y" in g else year
    if y is None:
        return None
    try:
        if g.get("m"):
            month = _number(g.get("m"))
            if g.get("d"):
                return dt.date(y, month, int(g.get("d")))
            last = calendar.monthrange(y, month)[1]
            return dt.date(y, month, {"上旬": 10, "中旬": 20}.get(g.get("part") or "", last))
        if g.get("half"):
            return dt.date(y, 6, 30) if g.get("half") in ("上半年", "年中") else dt.date(y, 12, 31)
        if g.get("q"):
            month = 3 * _number(g.get("q"))
            return dt.date(y, month, calendar.monthrange(y, month)[1])
    except ValueError:
        return None
    if g.get("ye") in ("底", "末") and not g.get("y"):
        return None  # a bare 底 without a year or month names nothing
    return dt.date(y, 12, 31)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    return _CN_DIGITS[text]
