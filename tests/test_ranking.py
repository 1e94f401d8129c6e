"""Unit ranking from scoring rules, on a hand-made ledger with every score worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import taskstats
from taskstats import measures as ms
from taskstats import progress as pg
from taskstats.measures import ranking_board, unit_ranking
from taskstats.progress.ledger import typed_ledger
from taskstats.tidy import TaskTables
from taskstats.tidy.schema import LEDGER_COLUMNS

DAYS = ["2020-06-30", "2020-09-30", "2020-10-20"]
AS_OF = "2020-10-10"  # two nodes due; the third within 15 days (yellow unless done)
# task: lead units (甲 … 戊; 各相关单位 is a collective and never ranked)
LEADS = {
    "1": ["甲单位"],
    "2": ["甲单位"],
    "3": ["乙单位"],
    "4": ["丙单位", "各相关单位"],
    "5": ["乙单位"],
    "6": ["戊单位"],
    "7": ["戊单位"],
    "8": ["丁单位"],
    "9": ["丁单位"],
}
# (task, node): (status, reported on); nodes not listed have no report.
REPORTS = {
    ("1", "2020-06-30"): ("已完成", "2020-06-28"),
    ("1", "2020-09-30"): ("已完成", "2020-09-29"),
    ("2", "2020-06-30"): ("已完成", "2020-06-29"),
    ("3", "2020-06-30"): ("已完成", "2020-06-29"),
    ("3", "2020-09-30"): ("已完成", "2020-09-30"),
    ("4", "2020-06-30"): ("已完成", "2020-06-29"),
    ("4", "2020-09-30"): ("已完成", "2020-09-29"),
    ("5", "2020-06-30"): ("已完成", "2020-06-30"),
    ("6", "2020-06-30"): ("已完成", "2020-06-20"),
    ("6", "2020-09-30"): ("已完成", "2020-10-05"),  # done after the node
    ("7", "2020-06-30"): ("已完成", "2020-06-20"),
    ("7", "2020-09-30"): ("已完成", "2020-09-20"),
    ("7", "2020-10-20"): ("已完成", "2020-10-08"),  # done early: no yellow
}


def _tables() -> TaskTables:
    tasks = pd.DataFrame(
        {
            "district": "x",
            "task_id": list(LEADS),
            "seq": range(1, len(LEADS) + 1),
            "text": [f"任务{t}" for t in LEADS],
            "source": "self",
        }
    )
    units = pd.DataFrame(
        [
            {"district": "x", "task_id": t, "unit": u, "role": "lead", "collective": u[0] == "各"}
            for t, us in LEADS.items()
            for u in us
        ]
    )
    leaders = pd.DataFrame(columns=["district", "task_id", "leader", "collective"])
    quality = pd.DataFrame(columns=["district", "task_id", "kind", "severity", "message"])
    return TaskTables(tasks, units, leaders, quality)


def _ledger() -> pd.DataFrame:
    rows = [
        {
            "import_id": 1,
            "imported_at": f"{day}T09:00:00",
            "file": "hand.xlsx",
            "file_sha256": "0",
            "sheet": "推进表",
            "row": i,
            "district": "x",
            "task_id": task,
            "milestone": node,
            "status": status,
            "standard": "",
            "progress": "",
            "evidence": "",
            "contact": "",
            "reported_on": day,
            "simulated": False,
        }
        for i, ((task, node), (status, day)) in enumerate(REPORTS.items(), 2)
    ]
    return typed_ledger(pd.DataFrame(rows, columns=LEDGER_COLUMNS))


RULES = """
name = "hand"
description = "test"
min_due = 3
board = 1
decimals = 2
[[part]]
measure = "completion_rate"
weight = 60
[[part]]
measure = "on_time_rate"
weight = 40
[[part]]
measure = "red"
weight = -5
[[part]]
measure = "yellow"
weight = -2
[[part]]
measure = "missing_reports"
weight = -1
"""


@pytest.fixture
def ranking(tmp_path):
    tables = _tables()
    schedule = {"x": [pd.Timestamp(d).date() for d in DAYS]}
    status = ms.milestone_status(tables, _ledger(), schedule, AS_OF)
    lights = ms.traffic_lights(status, pg.load_rules("default"))
    path = tmp_path / "hand.toml"
    path.write_text(RULES, encoding="utf-8")
    rules = taskstats.load_ranking_rules(path)
    return unit_ranking(tables, status, lights, rules), rules


def test_every_score_by_hand(ranking):
    out, _ = ranking
    got = out.set_index("unit")
    # unit: due, done, on time, red, yellow, missing, score, rank
    # Every task's own deadline is its last node, 2020-10-20: within 15 days of the as-of
    # date, so yellow unless reported 已完成 there (task 7 only); a due node 未报送 once is
    # yellow, twice in a row red; a checkpoint unreported is not red.
    #   戊: 4 due, 4 done, 3 on time (task 6 late), yellow task 6 → 60 + 30 - 2        = 88
    #   甲: 4 due, 3 done, 3 on time, yellow tasks 1 and 2 (task 2: 09-30 未报送), 1 missing
    #       → 45 + 30 - 4 - 1                                                         = 70
    #   乙: the same as 甲 (task 5's second node missing)                             = 70
    #   丁: 4 due, none reported: red tasks 8 and 9, 4 missing → -10 - 4              = -14
    #   丙: 2 due (fewer than 3): listed apart; 60 + 40 - 2                           = 98
    expected = {
        "戊单位": (4, 4, 1.0, 0.75, 0, 1, 0, 1, 88.0, 1),
        "甲单位": (4, 3, 0.75, 0.75, 0, 2, 1, 0, 70.0, 2),
        "乙单位": (4, 3, 0.75, 0.75, 0, 2, 1, 0, 70.0, 2),
        "丁单位": (4, 0, 0.0, 0.0, 2, 0, 4, 0, -14.0, 4),
    }
    for unit, (
        due,
        done,
        rate,
        on_time,
        red,
        yellow,
        missing,
        late,
        score,
        rank,
    ) in expected.items():
        row = got.loc[unit]
        assert (row["due"], row["done"], row["red"], row["yellow"]) == (due, done, red, yellow)
        assert (row["missing_reports"], row["done_late"]) == (missing, late)
        assert row["completion_rate"] == pytest.approx(rate)
        assert row["on_time_rate"] == pytest.approx(on_time)
        assert row["score"] == pytest.approx(score)
        assert row["rank"] == rank and row["ranked"]
    # Each score is the sum of its parts, and each part is weight × measure.
    assert got.loc["甲单位", "part_completion_rate"] == pytest.approx(45)
    assert got.loc["甲单位", "part_on_time_rate"] == pytest.approx(30)
    assert got.loc["甲单位", "part_red"] == pytest.approx(0)
    assert got.loc["甲单位", "part_yellow"] == pytest.approx(-4)
    assert got.loc["甲单位", "part_missing_reports"] == pytest.approx(-1)
    parts = out.filter(like="part_").sum(axis=1)
    assert (parts.round(2) == out["score"]).all()
    apart = got.loc["丙单位"]
    assert not apart["ranked"] and pd.isna(apart["rank"])
    assert apart["score"] == pytest.approx(98)
    assert "各相关单位" not in got.index
    # Ranked units first, best first (ties by name), then those listed apart.
    assert out["unit"].tolist() == ["戊单位", "乙单位", "甲单位", "丁单位", "丙单位"]


def test_board_keeps_ties_together(ranking):
    out, rules = ranking
    top, bottom = ranking_board(out, rules.board)
    assert top["unit"].tolist() == ["戊单位"]
    assert bottom["unit"].tolist() == ["丁单位"]
    top, bottom = ranking_board(out, 2)
    assert top["unit"].tolist() == ["戊单位", "乙单位", "甲单位"]  # a tie at second place
    assert bottom["unit"].tolist() == ["丁单位"]  # never on both lists


def test_ranking_does_not_change_its_inputs(ranking):
    tables = _tables()
    before = tables.task_units.copy()
    schedule = {"x": [pd.Timestamp(d).date() for d in DAYS]}
    status = ms.milestone_status(tables, _ledger(), schedule, AS_OF)
    lights = ms.traffic_lights(status, pg.load_rules("default"))
    status_before, lights_before = status.copy(), lights.copy()
    unit_ranking(tables, status, lights, taskstats.load_ranking_rules("default"))
    pd.testing.assert_frame_equal(tables.task_units, before)
    pd.testing.assert_frame_equal(status, status_before)
    pd.testing.assert_frame_equal(lights, lights_before)


BUNDLED_RANKINGS = {
    "default": (
        (("completion_rate", 60), ("on_time_rate", 40), ("red", -5), ("yellow", -2),
         ("missing_reports", -1)),
        3, 3, 2,
    ),
    "supervision": (
        (("completion_rate", 40), ("on_time_rate", 20), ("red", -10), ("yellow", -3),
         ("missing_reports", -2), ("done_late", -1)),
        6, 5, 1,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BUNDLED_RANKINGS))
def test_bundled_rule_sets(name):
    """The bundled files say what their descriptions promise: weights, minimum, board, rounding."""
    parts, min_due, board, decimals = BUNDLED_RANKINGS[name]
    rules = taskstats.load_ranking_rules(name)
    assert rules.parts == parts
    assert (rules.min_due, rules.board, rules.decimals) == (min_due, board, decimals)
    assert sorted(pg.bundled_rankings()) == sorted(BUNDLED_RANKINGS)


def test_bad_rule_sets_say_what_is_wrong(tmp_path):
    with pytest.raises(taskstats.InputError, match="no ranking rule set 'nope'; bundled: default"):
        taskstats.load_ranking_rules("nope")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[part]]\nmeasure = "speed"\nweight = 1\n', encoding="utf-8")
    with pytest.raises(taskstats.InputError, match="part 1: 'measure' must be one of"):
        taskstats.load_ranking_rules(bad)
    bad.write_text('min_due = 0\n[[part]]\nmeasure = "red"\nweight = -1\n', encoding="utf-8")
    with pytest.raises(taskstats.InputError, match="'min_due' must be a whole number"):
        taskstats.load_ranking_rules(bad)


def test_the_district_report_shows_the_ranking(tmp_path):
    """位次排名 in the district report: the 红黄榜 and the table are unit_ranking's, the same
    as the bulletin's."""
    from conftest import RAW

    from taskstats import report
    from taskstats.measures.ranking import ranking_board

    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    expected = taskstats.unit_ranking(
        r.tables, r.status, r.lights, taskstats.load_ranking_rules("default")
    )
    pd.testing.assert_frame_equal(r.ranking, expected)
    top, bottom = ranking_board(expected, r.ranking_rules.board)
    page = r.ranking_html()
    assert f"红榜：{'、'.join(top['unit'])}；黄榜：{'、'.join(bottom['unit'])}。" in page
    assert page.count("<tr>") == int(expected["ranked"].sum()) == 42  # a row per ranked unit
    assert "默认规则：完成率60分" in page


# --- ties: ranked equally, marked 并列, the rule said under every ranked table ----------------


def _loads() -> TaskTables:
    """Six tasks in district x: leader 甲 on three, 乙 and 丙 on two each, 丁 on one, and
    各副区长 (a collective, never ranked) on one; units A leads three tasks, B and C two
    each, D one."""
    leaders = {"1": "甲乙", "2": "甲丙", "3": "甲", "4": "乙丙丁", "5": "", "6": ""}
    units = {"1": "AB", "2": "AC", "3": "A", "4": "BC", "5": "D", "6": ""}
    tasks = pd.DataFrame(
        {
            "district": "x",
            "task_id": list(leaders),
            "seq": range(1, 7),
            "section": "",
            "text": [f"任务{t}" for t in leaders],
            "source": "self",
        }
    )
    leader_rows = [
        {"district": "x", "task_id": t, "leader": n, "collective": False}
        for t, names in leaders.items()
        for n in names
    ] + [{"district": "x", "task_id": "6", "leader": "各副区长", "collective": True}]
    unit_rows = [
        {"district": "x", "task_id": t, "unit": u, "role": "lead", "collective": False}
        for t, us in units.items()
        for u in us
    ]
    quality = pd.DataFrame(columns=["district", "task_id", "kind", "severity", "message"])
    return TaskTables(tasks, pd.DataFrame(unit_rows), pd.DataFrame(leader_rows), quality)


def test_equal_loads_share_a_rank():
    lw = ms.leader_workload(_loads())
    assert lw[["leader", "tasks"]].values.tolist() == [
        ["甲", 3],
        ["丙", 2],
        ["乙", 2],
        ["丁", 1],
        ["各副区长", 1],
    ]
    assert lw["rank"].tolist()[:4] == [1, 2, 2, 4] and pd.isna(lw["rank"].iloc[4])
    uw = ms.unit_workload(_loads())
    assert uw[["unit", "led", "rank"]].values.tolist() == [
        ["A", 3, 1],
        ["B", 2, 2],
        ["C", 2, 2],
        ["D", 1, 4],
    ]


def test_ties_are_marked_and_the_rule_said():
    from taskstats.report.wording.ranks import rank_labels, rank_rule

    lw = ms.leader_workload(_loads())
    assert rank_labels(lw) == ["1", "2（并列）", "2（并列）", "4", "—"]
    assert rank_labels(lw, "en")[1] == "2 (tied)"
    # within a source or section when the table is broken down by one
    frame = pd.DataFrame({"district": "x", "source": ["a", "a", "b"], "rank": [1, 2, 1]})
    assert rank_labels(frame) == ["1", "2", "1"]
    assert rank_rule("tasks") == (
        "排名规则：按任务数从多到少排列，任务数相同者并列，名次相同，其后名次顺延（如1、2、2、4）。"
    )


def test_the_ranking_table_marks_its_tie(ranking):
    from taskstats.report.shown import ranking_rows

    out, _ = ranking
    assert [row[:2] for row in ranking_rows(out)] == [
        ["1", "戊单位"],
        ["2（并列）", "乙单位"],
        ["2（并列）", "甲单位"],
        ["4", "丁单位"],
    ]
    assert [row[0] for row in ranking_rows(out, "en")] == ["1", "2 (tied)", "2 (tied)", "4"]


def test_the_english_ranking_section_reads_in_english(english_dalian):
    page = english_dalian.ranking_html()
    assert "<th>Rank</th>" in page and "<th>Lead unit</th>" in page and "<th>Score</th>" in page
    assert "位次" not in page and "并列" not in page and "得分" not in page
    assert "Ranking rule: by score, highest first" in page


def test_the_report_tables_say_the_tie_rule(tmp_path):
    """Dalian's 凌水街道 and 科技局 each lead 19 tasks: both first (并列), 教育文体局 third."""
    from conftest import RAW

    from taskstats import report

    r = report.prepare_district(
        "dalian-hightech", as_of="2020-12-31", progress="demo", raw_dir=RAW, store_dir=tmp_path
    )
    units = r.units_html()
    assert units.count("<td>1（并列）</td>") == 2
    # every lead unit the card counts (42), not the first 30
    assert units.split("<h3>")[0].count("<tr>") == 42 and "前30行" not in units
    assert "<td>教育文体局</td>\n      <td>18</td>" in units
    assert "排名规则：按牵头任务数从多到少排列" in units
    assert "排名规则：按任务数从多到少排列" in r.leaders_html()
    assert "排名规则：按得分从高到低排列" in r.ranking_html()


def test_the_workload_command_marks_ties():
    from click.testing import CliRunner

    from taskstats.cli import main

    said = CliRunner().invoke(main, ["workload", "dalian-hightech", "--of", "unit", "--top", "3"])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert lines[1].split()[1:3] == ["凌水街道", "19"] and lines[1].endswith("1（并列）")
    assert lines[3].split()[1:3] == ["教育文体局", "18"] and lines[3].endswith(" 3")
    assert lines[4].startswith("排名规则：按牵头任务数从多到少排列")
    csv = CliRunner().invoke(main, ["workload", "dalian-hightech", "--of", "unit", "--csv"])
    assert csv.output.splitlines()[1].endswith(",1") and "并列" not in csv.output


def test_the_workload_command_marks_a_tie_cut_by_top():
    """--top 1 shows 凌水街道 alone, but 科技局 also leads 19 tasks: the rank still says 并列."""
    from click.testing import CliRunner

    from taskstats.cli import main

    said = CliRunner().invoke(main, ["workload", "dalian-hightech", "--of", "unit", "--top", "1"])
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert len(lines) == 3 and "科技局" not in said.output
    assert lines[1].split()[1:3] == ["凌水街道", "19"] and lines[1].endswith("1（并列）")
    assert lines[2].startswith("排名规则：按牵头任务数从多到少排列")


def test_the_board_slide_says_both_lists_once(tmp_path):
    from click.testing import CliRunner
    from conftest import RAW
    from pptx import Presentation

    from taskstats.cli import main

    out = tmp_path / "d.pptx"
    args = ["deck", "dalian-hightech", "--as-of", "2020-10-15", "--raw-dir", str(RAW)]
    result = CliRunner().invoke(main, [*args, "--store", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    slide = next(
        s for s in Presentation(str(out)).slides if s.shapes[0].text_frame.text.startswith("红黄榜")
    )
    said = next(sh.text_frame.text for sh in slide.shapes if sh.name == "takeaway")
    best, worst = "龙头办、七贤岭办、生态环境分局", "国土局、发改局、市场监管局"
    assert said == f"红榜（前3名）：{best}；黄榜（后3名）：{worst}"
    tables = [sh.table for sh in slide.shapes if sh.has_table]
    assert [tables[0].cell(r, 0).text for r in (1, 2, 3)] == ["1", "2（并列）", "2（并列）"]
    note = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame][-1]
    assert note.startswith("排名规则：按得分从高到低排列")


def test_board_bottom_counts_places_not_rank_values():
    """Ranks 1, 2, 3, 4, 5, 6, 6 with a board of 3: the bottom is the two sixth places and the
    fifth (three places), not the fourth as well (its rank value 4 is within 3 of the worst, 6)."""
    board = pd.DataFrame(
        {
            "district": "x",
            "unit": list("ABCDEFG"),
            "score": [90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 40.0],
            "ranked": True,
            "rank": pd.array([1, 2, 3, 4, 5, 6, 6], dtype="Int64"),
        }
    )
    top, bottom = ranking_board(board, 3)
    assert top["unit"].tolist() == ["A", "B", "C"]
    assert bottom["unit"].tolist() == ["G", "F", "E"]
    # A tie across the edge stays together: ranks 1, 2, 3, 3, 3 with size 2.
    tie = board.iloc[:5].assign(rank=pd.array([1, 2, 3, 3, 3], dtype="Int64"))
    top, bottom = ranking_board(tie, 2)
    assert top["unit"].tolist() == ["A", "B"]
    assert bottom["unit"].tolist() == ["E", "D", "C"]
