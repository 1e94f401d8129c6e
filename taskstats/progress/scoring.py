"""Unit ranking rule sets (位次排名 scoring), from TOML files beside the light rules."""

from __future__ import annotations

from pathlib import Path

from taskstats.errors import InputError
from taskstats.measures.ranking import RANKING_MEASURES, RankingRules
from taskstats.progress.schedule import bundled_rule_sets, read_rule_file


def load_ranking_rules(name_or_path: str | Path = "default") -> RankingRules:
    """A bundled ranking rule set (``default``, ``supervision``) or one from a TOML file.

    Bundled sets live in ``taskstats/rules/ranking_<name>.toml``. A file holds ``name``,
    ``description`` (``description_en`` in English), ``min_due``, ``board``, ``decimals``
    and one ``[[part]]`` per part of the score, each with a ``measure`` (see
    ``RANKING_MEASURES``) and a ``weight``.

    Example:
        >>> load_ranking_rules("default").min_due
        3

    Raises:
        InputError: The file is missing or a part is malformed.
    """
    data, path = read_rule_file(name_or_path, prefix="ranking_", kind="ranking rule set")
    parts = []
    for i, part in enumerate(data.get("part", []), 1):
        measure, weight = part.get("measure"), part.get("weight")
        if measure not in RANKING_MEASURES or not isinstance(weight, int | float):
            raise InputError(
                f"part {i}: 'measure' must be one of {', '.join(RANKING_MEASURES)} and "
                "'weight' a number",
                path=path,
            )
        parts.append((str(measure), float(weight)))
    if not parts:
        raise InputError("a ranking rule set needs at least one [[part]]", path=path)
    min_due = data.get("min_due", 3)
    if not isinstance(min_due, int) or min_due < 1:
        raise InputError("'min_due' must be a whole number of at least 1", path=path)
    return RankingRules(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        parts=tuple(parts),
        min_due=min_due,
        board=int(data.get("board", 3)),
        decimals=int(data.get("decimals", 2)),
        description_en=str(data.get("description_en", "")),
    )


def bundled_rankings() -> list[str]:
    """The names of the bundled ranking rule sets."""
    return bundled_rule_sets("ranking_")
