"""Metrics: hand-worked figures on a tiny table, and exact figures on the seed data."""

from __future__ import annotations

import pandas as pd
import pytest

from taskstats import measures as metrics
from taskstats.tidy import LEADER_COLUMNS, QUALITY_COLUMNS, TASK_COLUMNS, UNIT_COLUMNS, TaskTables


def _tiny() -> TaskTables:
    """Four tasks in district d, one in e. Every figure below is worked out by hand from this.

    d/T1 province, S1, quantified: leaders A, B; units U1, U2 lead, U3, 各相关单位 support
    d/T2 city, S1: leader A; units U1 lead, U3 support
    d/T3 self, S2, pending (two sub-targets, led by U2 and U4): leader 各副区长 only
    d/T4 unknown, S2: no leader; unit U4 lead
    e/T1 province, S1: leader C; unit V lead
    """
    tasks = [
        ("d", "T1", "S1", "province", True, False),
        ("d", "T2", "S1", "city", False, False),
        ("d", "T3", "S2", "self", False, True),
        ("d", "T4", "S2", "unknown", False, False),
        ("e", "T1", "S1", "province", False, False),
    ]
    task_rows = [
        {
            "district": d,
            "task_id": t,
            "seq": i,
            "section": s,
            "subsection": "",
            "text": t,
            "source": src,
            "source_raw": "",
            "deadline_raw": "",
            "quantified": q,
            "target_pending": p,
            "raw_file": "x.txt",
            "raw_line": i,
        }
        for i, (d, t, s, src, q, p) in enumerate(tasks, 1)
    ]
    units = [
        ("d", "T1", "U1", "lead", False),
        ("d", "T1", "U2", "lead", False),
        ("d", "T1", "U3", "support", False),
        ("d", "T1", "各相关单位", "support", True),
        ("d", "T2", "U1", "lead", False),
        ("d", "T2", "U3", "support", False),
        ("d", "T3", "U2", "lead", False),
        ("d", "T3", "U4", "lead", False),
        ("d", "T4", "U4", "lead", False),
        ("e", "T1", "V", "lead", False),
    ]
    leaders = [
        ("d", "T1", "A", False),
        ("d", "T1", "B", False),
        ("d", "T2", "A", False),
        ("d", "T3", "各副区长", True),
        ("e", "T1", "C", False),
    ]
    return TaskTables(
        pd.DataFrame(task_rows, columns=TASK_COLUMNS),
        pd.DataFrame(
            [
                {
                    "district": d,
                    "task_id": t,
                    "unit": u,
                    "unit_raw": u,
                    "host": "",
                    "role": r,
                    "collective": c,
                }
                for d, t, u, r, c in units
            ],
            columns=UNIT_COLUMNS,
        ),
        pd.DataFrame(
            [
                {"district": d, "task_id": t, "leader": n, "leader_raw": n, "collective": c}
                for d, t, n, c in leaders
            ],
            columns=LEADER_COLUMNS,
        ),
        pd.DataFrame(columns=QUALITY_COLUMNS),
    )


def test_leader_workload_by_hand():
    lw = metrics.leader_workload(_tiny(), district="d")
    assert lw[["leader", "tasks", "weighted", "sole", "share", "collective"]].values.tolist() == [
        ["A", 2, 1.5, 1, 0.5, False],
        ["B", 1, 0.5, 0, 0.25, False],
        ["各副区长", 1, 0.0, 0, 0.25, True],
    ]
    assert lw["rank"].tolist()[:2] == [1, 2] and pd.isna(lw["rank"].iloc[2])


def test_leader_workload_by_source_and_subset():
    lw = metrics.leader_workload(_tiny(), by="source", district="d")
    assert lw[["leader", "source", "tasks", "weighted"]].values.tolist() == [
        ["A", "city", 1, 1.0],
        ["A", "province", 1, 0.5],
        ["B", "province", 1, 0.5],
        ["各副区长", "self", 1, 0.0],
    ]
    # Section S2 has no named leader: only the collective remains, in its own row.
    s2 = metrics.leader_workload(_tiny(), section="S2")
    assert s2[["leader", "collective"]].values.tolist() == [["各副区长", True]]


def test_unit_workload_by_hand():
    uw = metrics.unit_workload(_tiny(), district="d")
    cols = [
        "unit",
        "led",
        "supported",
        "sole_lead",
        "co_led",
        "weighted_lead",
        "partners",
        "collective",
    ]
    assert uw[cols].values.tolist() == [
        ["U1", 2, 0, 1, 1, 1.5, 2, False],
        ["U2", 2, 0, 0, 2, 1.0, 3, False],
        ["U4", 2, 0, 1, 1, 1.5, 1, False],
        ["U3", 0, 2, 0, 0, 0.0, 2, False],
        ["各相关单位", 0, 1, 0, 0, 0.0, 0, True],
    ]
    # U1, U2 and U4 lead two tasks each: tied at 1 (并列), then U3 is fourth (1, 1, 1, 4)
    assert uw["rank"].tolist()[:4] == [1, 1, 1, 4]


def test_weights_sum_to_tasks_with_a_named_assignee():
    """The weighted rule (Coded.shares): a task shared by n named leaders or lead units counts
    1/n for each, so a district's weights sum to its tasks that name one."""
    tiny = _tiny()
    load = metrics.leader_workload(tiny)
    named = load[~load["collective"]]
    assert named.groupby("district")["weighted"].sum().to_dict() == {"d": 2.0, "e": 1.0}
    by_leader = named.set_index(["district", "leader"])["weighted"].to_dict()
    assert by_leader == {("d", "A"): 1.5, ("d", "B"): 0.5, ("e", "C"): 1.0}
    units = metrics.unit_workload(tiny)
    lead = units[~units["collective"]].groupby("district")["weighted_lead"].sum()
    assert lead.to_dict() == {"d": 4.0, "e": 1.0}


def test_source_mix_and_measurability_by_hand():
    mix = metrics.source_mix(_tiny(), district="d")
    assert mix[["source", "tasks", "share"]].values.tolist() == [
        ["province", 1, 0.25],
        ["city", 1, 0.25],
        ["self", 1, 0.25],
        ["unknown", 1, 0.25],
    ]
    by_leader = metrics.source_mix(_tiny(), by="leader", district="d")
    a = by_leader[by_leader["leader"] == "A"]
    assert a[["source", "tasks"]].values.tolist() == [
        ["province", 1],
        ["city", 1],
        ["self", 0],
        ["unknown", 0],
    ]
    m = metrics.measurability(_tiny(), district="d")
    assert m[
        ["tasks", "quantified", "quantified_share", "pending", "pending_share"]
    ].values.tolist() == [[4, 1, 0.25, 1, 0.25]]


def test_concentration_by_hand():
    c = metrics.concentration(_tiny(), district="d").set_index("across")
    leader = c.loc["leader"]
    assert (leader["n"], leader["load"], leader["top1_share"], leader["top3_share"]) == (
        2,
        2.0,
        0.75,
        1.0,
    )
    assert leader["hhi"] == pytest.approx(0.625)
    assert leader["gini"] == pytest.approx(0.25)
    unit = c.loc["lead_unit"]
    assert (unit["n"], unit["load"], unit["top1_share"]) == (3, 4.0, 0.375)
    assert unit["hhi"] == pytest.approx(0.34375)
    assert unit["gini"] == pytest.approx(1 / 12)


def test_coordination_by_hand():
    edges = metrics.coordination(_tiny())
    assert edges[["unit_a", "unit_b", "tasks", "weight"]].values.tolist() == [
        ["U1", "U3", 2, 1.5],
        ["U2", "U4", 1, 1.0],
        ["U1", "U2", 1, 0.5],
        ["U2", "U3", 1, 0.5],
    ]


def test_compare_districts_by_hand():
    c = metrics.compare_districts(_tiny()).set_index("district")
    d = c.loc["d"]
    assert d[["tasks", "named_leaders", "lead_units"]].tolist() == [4, 2, 3]
    assert d["tasks_per_leader_mean"] == 1.5 and d["tasks_per_leader_max"] == 2
    assert d["top_leader_share"] == 0.5
    assert d["multi_lead_share"] == 0.5
    assert d["support_units_mean"] == 0.5
    assert d[["share_province", "share_city", "share_self", "share_unknown"]].tolist() == [
        0.25,
        0.25,
        0.25,
        0.25,
    ]
    assert d["collective_share"] == pytest.approx(1 / 9)
    assert d["leaderless_share"] == 0.25
    assert c.loc["e", "tasks"] == 1 and c.loc["e", "top_leader_share"] == 1.0


def test_functions_do_not_mutate_their_input():
    tiny = _tiny()
    before = [df.copy() for df in tiny]
    metrics.leader_workload(tiny)
    metrics.unit_workload(tiny)
    metrics.compare_districts(tiny)
    for a, b in zip(before, tiny, strict=True):
        pd.testing.assert_frame_equal(a, b)


# --- the seed data ---------------------------------------------------------------------------


def test_weighted_leader_load_sums_to_tasks_with_a_named_leader(tables):
    lw = metrics.leader_workload(tables)
    weighted = lw.groupby("district")["weighted"].sum().round(9).to_dict()
    named = tables.task_leaders[~tables.task_leaders["collective"]]
    expected = named.groupby("district")["task_id"].nunique().to_dict()
    assert (
        weighted
        == expected
        == {"dalian-hightech": 167, "qingdao-westcoast": 206, "quanzhou-licheng": 111}
    )


def test_concentration_loads_are_whole_tasks_and_gulou_has_no_leader_rows(tables):
    c = metrics.concentration(tables)
    loads = c.set_index(["district", "across"])["load"]
    # Weighted loads add up to whole tasks, exactly, however the shares were summed.
    assert loads[("quanzhou-licheng", "leader")] == 111.0
    assert loads[("nanjing-gulou", "lead_unit")] == 72.0
    assert ("nanjing-gulou", "leader") not in loads.index  # no leader column in Gulou's table
    gulou = metrics.subset(tables, district="nanjing-gulou")
    assert metrics.leader_workload(gulou).empty and metrics.leader_units(gulou).empty
    only_gulou = metrics.concentration(gulou)
    assert only_gulou["across"].tolist() == ["lead_unit"]
    assert str(only_gulou["load"].dtype) == "float64"


def test_dalian_source_mix(tables):
    mix = metrics.source_mix(tables, district="dalian-hightech")
    assert dict(zip(mix["source"], mix["tasks"], strict=True)) == {
        "province": 59,
        "city": 23,
        "self": 86,
        "unknown": 0,
    }


def test_qingdao_busiest_leader(tables):
    lw = metrics.leader_workload(tables, district="qingdao-westcoast")
    top = lw.iloc[0]
    assert (top["leader"], top["tasks"], top["rank"]) == ("隋斌", 42, 1)


def test_comparison_has_one_row_per_bundled_district(tables):
    c = metrics.compare_districts(tables)
    assert c["district"].tolist() == [
        "dalian-hightech",
        "nanjing-gulou",
        "qingdao-westcoast",
        "quanzhou-licheng",
    ]
    assert c["tasks"].tolist() == [168, 72, 206, 117]
    assert c.set_index("district").loc["nanjing-gulou", "named_leaders"] == 0
    assert pd.isna(c.set_index("district").loc["nanjing-gulou", "top_leader_share"])


def test_subset_by_leader_and_unit():
    by_leader = metrics.subset(_tiny(), leader="A")
    assert by_leader.tasks["task_id"].tolist() == ["T1", "T2"]
    assert set(by_leader.task_units["task_id"]) == {"T1", "T2"}
    by_unit = metrics.subset(_tiny(), unit="U4", district="d")
    assert by_unit.tasks["task_id"].tolist() == ["T3", "T4"]
    assert by_unit.task_leaders["leader"].tolist() == ["各副区长"]


def test_leader_units_by_hand():
    """A's tasks T1, T2 and B's task T1 go to these units; 各副区长 (T3) is no leader."""
    pairs = metrics.leader_units(_tiny())
    got = [
        (r.district, r.leader, r.unit, r.role, bool(r.collective), int(r.tasks))
        for r in pairs.itertuples()
    ]
    assert got == [
        ("d", "A", "U1", "lead", False, 2),
        ("d", "A", "U2", "lead", False, 1),
        ("d", "A", "U3", "support", False, 2),
        ("d", "A", "各相关单位", "support", True, 1),
        ("d", "B", "U1", "lead", False, 1),
        ("d", "B", "U2", "lead", False, 1),
        ("d", "B", "U3", "support", False, 1),
        ("d", "B", "各相关单位", "support", True, 1),
        ("e", "C", "V", "lead", False, 1),
    ]
