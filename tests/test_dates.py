"""One date parser for every form Excel and WPS write (taskstats.tidy.dates)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from taskstats.errors import InputError
from taskstats.tidy.dates import parse_date
from taskstats.tidy.schema import iso_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-30", dt.date(2026, 11, 30)),
        ("2026/11/30", dt.date(2026, 11, 30)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026-1-5", dt.date(2026, 1, 5)),
        ("2026年11月30日", dt.date(2026, 11, 30)),
        ("2026年1月5日", dt.date(2026, 1, 5)),
        ("2026.11.30", dt.date(2026, 11, 30)),
        ("  2026/11/30  ", dt.date(2026, 11, 30)),
        ("2026-11-30 00:00:00", dt.date(2026, 11, 30)),
        ("2026/1/5 0:00", dt.date(2026, 1, 5)),
        ("2026-11-30T13:45:10", dt.date(2026, 11, 30)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        # Excel serial numbers: day 1 is 1900-01-01, day 61 is 1900-03-01 (day 60 never was).
        (46356, dt.date(2026, 11, 30)),
        (46356.75, dt.date(2026, 11, 30)),
        ("46356", dt.date(2026, 11, 30)),
        ("46356.0", dt.date(2026, 11, 30)),
        (np.int64(45000), dt.date(2023, 3, 15)),
        (np.float64(45000.5), dt.date(2023, 3, 15)),
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (2958465, dt.date(9999, 12, 31)),
        (dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
        (dt.datetime(2026, 11, 30, 23, 59), dt.date(2026, 11, 30)),
        (pd.Timestamp("2026-11-30 08:00"), dt.date(2026, 11, 30)),
        (np.datetime64("2026-11-30"), dt.date(2026, 11, 30)),
    ],
)
def test_every_form_excel_and_wps_write_is_read(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a date: 2026-02 has days 1 to 28, not 30"),
        ("2025年2月29日", "'2025年2月29日' is not a date: 2025-02 has days 1 to 28, not 29"),
        ("2026/13/1", "'2026/13/1' is not a date: there is no month 13"),
        ("2026.0.10", "'2026.0.10' is not a date: there is no month 0"),
        ("2026-04-31", "'2026-04-31' is not a date: 2026-04 has days 1 to 30, not 31"),
        ("0000-01-01", "'0000-01-01' is not a date: there is no year 0"),
        (60, "60 is not a date: Excel's day 60 is 1900-02-29, which never existed"),
        (
            0,
            "0 is not a date: Excel numbers dates from 1 (1900-01-01) to 2958465 (9999-12-31)",
        ),
        (
            "2958466",
            "'2958466' is not a date: Excel numbers dates from 1 (1900-01-01) "
            "to 2958465 (9999-12-31)",
        ),
        (-3, "-3 is not a date: Excel numbers dates from 1 (1900-01-01) to 2958465 (9999-12-31)"),
        (float("nan"), "nan is not a date (an empty or infinite number)"),
        (pd.NaT, "an empty date (NaT) is not a date"),
        ("", "'' is not a date (write it 2026-11-30, 2026/11/30 or 2026年11月30日)"),
        ("6月底", "'6月底' is not a date (write it 2026-11-30, 2026/11/30 or 2026年11月30日)"),
        (
            "2026-11/30",
            "'2026-11/30' is not a date (write it 2026-11-30, 2026/11/30 or 2026年11月30日)",
        ),
        (True, "True is not a date (write it 2026-11-30, 2026/11/30 or 2026年11月30日)"),
        (None, "None is not a date (write it 2026-11-30, 2026/11/30 or 2026年11月30日)"),
    ],
)
def test_impossible_dates_are_refused_saying_why(value, message):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == message


def test_iso_date_reads_the_same_forms_and_names_the_problem():
    assert iso_date("2020/6/30") == "2020-06-30"
    assert iso_date("2020年6月30日") == "2020-06-30"
    with pytest.raises(InputError, match=r"'2020-06-31' is not a date: 2020-06 has days 1 to 30"):
        iso_date("2020-06-31")


def test_a_schedule_written_as_excel_writes_dates_is_read(tmp_path):
    from taskstats.tidy.manifest import Manifest, schedule_dates

    manifest = Manifest(
        slug="x",
        name="X",
        raw_file=tmp_path / "x.csv",
        schedule={"kind": "dates", "dates": ["2020/6/30", "2020年9月30日", dt.date(2020, 12, 31)]},
    )
    assert schedule_dates(manifest) == [
        dt.date(2020, 6, 30),
        dt.date(2020, 9, 30),
        dt.date(2020, 12, 31),
    ]
