"""Measures: DataFrames in, new DataFrames out. Table measures (workload, sources, spread) and
progress measures (milestone status, rates, trend, traffic lights); none reads a file.

Measures of a decomposition table: who carries what, where it came from, how it is shared.

Every function takes the tidy tables (:func:`taskstats.load`) and returns a new DataFrame in long
(tidy) form, ready for seaborn; none reads or writes a file or changes its input. Each accepts
a subset: ``district``, ``section`` and ``source`` (a value or a list of values).

How tasks are attributed, one mechanism for every measure (``Coded.shares`` over
:func:`~taskstats.measures.coding.split_shares`, chosen by an ``attribution`` argument):

- ``full``: each named leader or unit counts the task once, so a task shared by three leaders
  counts three times in all.
- ``weighted``: a task shared by n named leaders (or n named lead units) counts 1/n for each, so
  a district's weights sum to its number of tasks that name one.
- ``lead_only`` (units): only lead units count, once each.

Collectives (各相关单位, 各副区长 …) never enter a ranking or a weight of named leaders or units;
where they are reported, it is in rows of their own with ``collective`` set.
"""

from taskstats.measures.coding import ATTRIBUTIONS, subset
from taskstats.measures.lights import RuleSet, red_list, traffic_lights
from taskstats.measures.linkage import commitment_coverage, compare_targets, link_commitments
from taskstats.measures.period import (
    due_by_unit,
    due_next_period,
    newly_finished,
    next_node,
    period_changes,
    reporting_changes,
)
from taskstats.measures.profile import compare_districts, concentration, measurability, source_mix
from taskstats.measures.ranking import RankingRules, ranking_board, unit_ranking
from taskstats.measures.rates import completion_rates, completion_rates_by, completion_trend
from taskstats.measures.status import current_reports, milestone_status
from taskstats.measures.workload import (
    coordination,
    lead_unit_workload,
    leader_units,
    leader_workload,
    unit_workload,
)

__all__ = [
    "ATTRIBUTIONS",
    "RankingRules",
    "RuleSet",
    "commitment_coverage",
    "compare_districts",
    "compare_targets",
    "completion_rates",
    "completion_rates_by",
    "completion_trend",
    "concentration",
    "coordination",
    "current_reports",
    "due_by_unit",
    "due_next_period",
    "lead_unit_workload",
    "leader_units",
    "leader_workload",
    "link_commitments",
    "measurability",
    "milestone_status",
    "newly_finished",
    "next_node",
    "period_changes",
    "ranking_board",
    "red_list",
    "reporting_changes",
    "source_mix",
    "subset",
    "traffic_lights",
    "unit_ranking",
    "unit_workload",
]
