"""Milestone schedules and traffic-light rule sets, from manifests and TOML files."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from taskstats.errors import InputError
from taskstats.measures.lights import RULE_KINDS, RuleSet
from taskstats.tidy.manifest import Manifest, schedule_dates
from taskstats.tidy.schema import STATUSES, iso_date


def as_of_dates(
    schedules: dict[str, Sequence[dt.date]],
    as_of: dt.date | str | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, dt.date]:
    """The one as-of rule, used by ``progress status``, the district report and the comparison.

    A date given applies to every district. Otherwise each district is read as of its latest
    reporting node on or before ``today`` (its last node once the plan year is over; today
    itself before its first node), so a district shows the same figures in its report, in the
    comparison and in the CLI.

    Raises:
        InputError: ``as_of`` is not a date.
    """
    if as_of:
        day = dt.date.fromisoformat(iso_date(as_of))
        return {d: day for d in schedules}
    today = today or dt.date.today()
    out = {}
    for d, dates in schedules.items():
        passed = [day for day in dates if day <= today]
        out[d] = max(passed) if passed else today
    return out


def previous_node(dates: Sequence[dt.date], as_of: dt.date) -> dt.date | None:
    """The previous period's date: the reporting node before the as-of date's node (the
    latest node on or before ``as_of``); None when there is none."""
    ordered = sorted(set(dates))
    current = [d for d in ordered if d <= as_of]
    if not current:
        return None
    earlier = [d for d in ordered if d < current[-1]]
    return earlier[-1] if earlier else None


def schedules_for(
    manifests: Iterable[Manifest], year: int | None = None
) -> dict[str, list[dt.date]]:
    """Milestone dates for several districts, by slug."""
    return {m.slug: schedule_dates(m, year) for m in manifests}


def rules_for(manifest: Manifest) -> RuleSet:
    """The district's light rules: ``[schedule] rules`` in its manifest, else the default."""
    return load_rules(str((manifest.schedule or {}).get("rules", "default")))


def bundled_rule_sets(prefix: str = "") -> list[str]:
    """The names of the bundled rule files (``taskstats/rules/<prefix><name>.toml``); without a
    prefix, the light rules (the files with no ``ranking_`` or ``vocabulary_`` prefix)."""
    names = (p.name for p in resources.files("taskstats").joinpath("rules").iterdir())
    stems = [n[: -len(".toml")] for n in names if n.endswith(".toml")]
    if prefix:
        return sorted(n[len(prefix) :] for n in stems if n.startswith(prefix))
    return sorted(n for n in stems if not n.startswith(("ranking_", "vocabulary_")))


def read_rule_file(
    name_or_path: str | Path, *, prefix: str = "", kind: str = "rule set"
) -> tuple[dict, Path]:
    """A rule file's TOML: a bundled set by name (``taskstats/rules/<prefix><name>.toml``) or
    a ``.toml`` file of one's own. The one loader for light rules and ranking rules.

    Raises:
        InputError: No such set or file, or the TOML is malformed.
    """
    path = Path(name_or_path)
    try:
        if path.suffix == ".toml":
            text = path.read_text(encoding="utf-8")
        else:
            text = (
                resources.files("taskstats")
                .joinpath(f"rules/{prefix}{name_or_path}.toml")
                .read_text(encoding="utf-8")
            )
    except (FileNotFoundError, OSError) as exc:
        raise InputError(
            f"no {kind} {str(name_or_path)!r}; bundled: {', '.join(bundled_rule_sets(prefix))}"
        ) from exc
    try:
        return tomllib.loads(text), path
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{kind} is not valid TOML: {exc}", path=path) from exc


def load_rules(name_or_path: str | Path = "default") -> RuleSet:
    """A bundled rule set (``default``, ``monthly``) or one from a TOML file.

    Raises:
        InputError: The file is missing or a rule is malformed.
    """
    data, path = read_rule_file(name_or_path, kind="rule set")
    rules = tuple(data.get("rule", []))
    for i, rule in enumerate(rules, 1):
        if rule.get("light") not in ("red", "yellow") or rule.get("when") not in RULE_KINDS:
            raise InputError(
                f"rule {i}: 'light' must be red or yellow and 'when' one of "
                f"{', '.join(sorted(RULE_KINDS))}",
                path=path,
            )
        for key, low in (("count", 1), ("days", 0)):
            if key in rule and (not isinstance(rule[key], int) or rule[key] < low):
                raise InputError(f"rule {i}: '{key}' must be a whole number ≥ {low}", path=path)
        if rule["when"] == "status" and rule.get("status") not in STATUSES:
            words = ", ".join(STATUSES)
            raise InputError(f"rule {i}: 'status' must be one of {words}", path=path)
    return RuleSet(
        str(data.get("name", path.stem)),
        str(data.get("description", "")),
        rules,
        description_en=str(data.get("description_en", "")),
    )
