"""Calendar dates as Excel and WPS write them, read in one place.

``2026-11-30``, ``2026/11/30``, ``2026/1/5``, ``2026年11月30日``, ``2026.11.30`` (with or without a
time of day after them), Excel serial numbers (``46356``, ``46356.0``, ``"46356"``) and date or
datetime objects (pandas' ``Timestamp`` included) all become a :class:`datetime.date`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import numbers
import re

# Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was (serial 60, a
# bug kept from Lotus 1-2-3): from serial 61 on, day N is 1899-12-30 + N.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_LAST = (dt.date(9999, 12, 31) - _EXCEL_EPOCH).days  # 2958465, Excel's last date

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_NUMERIC = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _TIME)
_CHINESE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]" + _TIME)
_SERIAL = re.compile(r"[0-9]+(?:\.[0-9]*)?")
_EXAMPLE = "write it 2026-11-30, 2026/11/30 or 2026年11月30日"


def parse_date(value: object) -> dt.date:
    """A calendar date from a cell as Excel or WPS leaves it.

    Args:
        value: Text (``"2026-11-30"``, ``"2026/1/5"``, ``"2026年11月30日"``, ``"2026.11.30"``,
            optionally followed by a time such as ``" 00:00:00"``), an Excel serial number (int,
            float or text; the fraction is the time of day and is dropped), or a
            ``datetime.date``/``datetime.datetime``/``pandas.Timestamp``.

    Returns:
        The date (a datetime's time of day dropped).

    Raises:
        ValueError: The value is not a date, or names one that does not exist (a 30 February, a
            month 13, Excel's 29 February 1900); the message says which and why.

    Example:
        >>> parse_date("2026/1/5")
        datetime.date(2026, 1, 5)
        >>> parse_date(46356)
        datetime.date(2026, 11, 30)
    """
    if isinstance(value, dt.datetime):
        if value != value:  # pandas' NaT is a datetime that equals nothing
            raise ValueError("an empty date (NaT) is not a date")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date ({_EXAMPLE})")
    if isinstance(value, numbers.Real):
        return _from_serial(float(value), value)
    if _is_datetime64(value):
        import pandas as pd

        return parse_date(pd.Timestamp(value))
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date ({_EXAMPLE})")
    text = value.strip()
    match = _NUMERIC.fullmatch(text) or _CHINESE.fullmatch(text)
    if match:
        return _checked(int(match["y"]), int(match["m"]), int(match["d"]), value)
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text), value)
    raise ValueError(f"{value!r} is not a date ({_EXAMPLE})")


def _is_datetime64(value: object) -> bool:
    return type(value).__name__ == "datetime64"


def _checked(year: int, month: int, day: int, original: object) -> dt.date:
    if year < 1:
        raise ValueError(f"{original!r} is not a date: there is no year {year}")
    if not 1 <= month <= 12:
        raise ValueError(f"{original!r} is not a date: there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            f"{original!r} is not a date: {year}-{month:02d} has days 1 to {last}, not {day}"
        )
    return dt.date(year, month, day)


def _from_serial(serial: float, original: object) -> dt.date:
    if math.isnan(serial) or math.isinf(serial):
        raise ValueError(f"{original!r} is not a date (an empty or infinite number)")
    day = math.floor(serial)
    if day < 1 or day > _EXCEL_LAST:
        raise ValueError(
            f"{original!r} is not a date: Excel numbers dates from 1 (1900-01-01) "
            f"to {_EXCEL_LAST} (9999-12-31)"
        )
    if day == _EXCEL_FAKE_LEAP_DAY:
        raise ValueError(
            f"{original!r} is not a date: Excel's day 60 is 1900-02-29, which never existed"
        )
    if day < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + dt.timedelta(days=day + 1)
    return _EXCEL_EPOCH + dt.timedelta(days=day)
