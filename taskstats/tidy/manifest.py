"""District manifests: what a raw table is and how to read it.

A district is a folder under ``data/raw/`` holding its raw files byte-for-byte and a
``manifest.toml``. Adding a district needs no code, only these two things.

Example::

    slug = "dalian-hightech"
    name = "大连高新区"
    year = 2020
    raw_file = "000_9d7f559dd9317c00.txt"
    layout = "auto"              # auto, or a name in taskstats.io.engines.LAYOUTS
    encoding = "auto"            # auto | utf-8 | gb18030 ...
    default_source = "unknown"   # province | city | self | unknown
    documents = ["001_7904b49d57e0b06b.txt"]

    [unit_aliases]               # alias = canonical
    "发改局" = "区发改局"

    [section_defaults."二、重大项目"]
    source = "self"

    [schedule]                   # progress milestones (see the progress module)
    kind = "dates"
    dates = ["2020-06-30", "2020-09-30", "2020-12-31"]
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taskstats.errors import InputError, ManifestError
from taskstats.io.engines import LAYOUTS
from taskstats.io.files import read_input
from taskstats.io.text import check_encoding
from taskstats.tidy.dates import parse_date
from taskstats.tidy.normalize import fold
from taskstats.tidy.schema import SOURCES

MANIFEST_NAME = "manifest.toml"
MAX_MANIFEST_BYTES = 1_000_000
MAX_SCHEDULE_NODES = 400  # milestones in a [schedule]; a monthly plan over three years is 36
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")  # \Z: "abc\n" is not a slug
_KEYS = {
    "scope",
    "slug",
    "name",
    "name_en",
    "year",
    "raw_file",
    "layout",
    "encoding",
    "sheet",
    "table",
    "first_unit_leads",
    "default_source",
    "documents",
    "unit_prefix",
    "unit_aliases",
    "leader_aliases",
    "section_defaults",
    "schedule",
}


@dataclass(frozen=True)
class Manifest:
    """What taskstats knows about one district's raw table.

    Attributes:
        slug: Short identifier used in file names and tables (``dalian-hightech``).
        name: The district's Chinese name, shown in reports.
        raw_file: Path of the decomposition table.
        year: Plan year, or None when the document does not say.
        layout: Reader to use, or ``auto`` to detect it.
        encoding: Text encoding, or ``auto`` (UTF-8, UTF-8 with BOM, then GB18030).
        sheet: Spreadsheet sheet to read, or None for the first with a recognised header.
        table: The 1-based table of a document (Word, PDF, web page) to read, or None for the
            first with a task header.
        first_unit_leads: In a single 责任单位 column, the first-listed unit is the lead and the
            others support ("列第一位的为牵头单位"); off by default (all are leads).
        default_source: Source given to tasks whose table has no source column.
        documents: Other bundled documents (narratives, notices) kept beside the table.
        unit_prefix: The district-level prefix that 发改局 and 区发改局 differ by.
        scope: The word the bulletin names the whole area by (全区, 全市, 全省 …); empty: 全
            and the unit prefix (``scope_word`` gives the word in use).
        unit_aliases: Alias-to-canonical map of unit names.
        leader_aliases: Alias-to-canonical map of leader names.
        section_defaults: Per-section defaults (currently ``source``), keyed by section title.
        schedule: Progress milestones, read by the progress module.
        path: The manifest file itself.
    """

    slug: str
    name: str
    raw_file: Path
    year: int | None = None
    name_en: str = ""
    layout: str = "auto"
    encoding: str = "auto"
    sheet: str | None = None
    table: int | None = None
    first_unit_leads: bool = False
    default_source: str = "unknown"
    documents: tuple[Path, ...] = ()
    unit_prefix: str = "区"
    scope: str = ""
    unit_aliases: dict[str, str] = field(default_factory=dict)
    leader_aliases: dict[str, str] = field(default_factory=dict)
    section_defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    schedule: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def scope_word(self) -> str:
        """The whole area's name in a sentence (全区, 全市, 全省 …): ``scope`` when given,
        else 全 and the unit prefix."""
        return self.scope or f"全{self.unit_prefix or '区'}"

    def source_for_section(self, section: str, subsection: str = "") -> str:
        """The default source for a task in the given section."""
        for title in (fold(subsection), fold(section)):
            if not title:
                continue
            for key, values in self.section_defaults.items():
                if title.startswith(fold(key)) and "source" in values:
                    return values["source"]
        return self.default_source


def read_manifest(path: str | Path) -> Manifest:
    """Read and check one ``manifest.toml``.

    Args:
        path: The manifest file, or the district folder holding it.

    Returns:
        The manifest, with file paths resolved against its folder.

    Raises:
        ManifestError: The file is missing, not TOML, or has a wrong or missing value.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    _refuse_linked_folder(path)
    if not path.is_file():
        raise ManifestError(
            "manifest not found; a district folder needs a manifest.toml", path=path
        )
    try:
        # utf-8-sig: a manifest saved by Notepad begins with a byte order mark
        data = tomllib.loads(read_input(path, MAX_MANIFEST_BYTES).decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ManifestError(f"manifest is not UTF-8 ({exc.reason})", path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"manifest is not valid TOML: {exc}", path=path) from exc
    except RecursionError as exc:
        raise ManifestError("manifest is nested too deeply to be a manifest", path=path) from exc
    except InputError as exc:
        raise ManifestError(exc.reason, path=path) from exc

    def fail(message: str) -> ManifestError:
        return ManifestError(message, path=path)

    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    for key in ("slug", "name", "raw_file"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"'{key}' is required and must be a non-empty string")
    slug = data["slug"]
    if not _SLUG.match(slug):
        raise fail(f"slug {slug!r} must be lower-case letters, digits and hyphens")
    layout = data.get("layout", "auto")
    if layout not in LAYOUTS:
        raise fail(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    default_source = data.get("default_source", "unknown")
    if default_source not in SOURCES:
        raise fail(f"unknown default_source {default_source!r}; use one of {', '.join(SOURCES)}")
    table = data.get("table")
    if table is not None and (not isinstance(table, int) or isinstance(table, bool) or table < 1):
        raise fail(f"table {table!r} must be a table number: 1 for the document's first table")
    first_unit_leads = data.get("first_unit_leads", False)
    if not isinstance(first_unit_leads, bool):
        raise fail("first_unit_leads must be true or false")
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or not 1949 <= year <= 2100):
        raise fail(f"year {year!r} must be a whole year such as 2020, or left out if unknown")

    for key in ("name_en", "encoding", "sheet", "unit_prefix", "scope"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"'{key}' must be a string, not {type(data[key]).__name__}")
    try:
        check_encoding(data.get("encoding", "auto"))
    except InputError as exc:
        raise fail(f"'encoding': {exc.reason}") from exc
    documents = data.get("documents", [])
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise fail("'documents' must be a list of file names in the district's folder")
    if not isinstance(data.get("schedule", {}), dict):
        raise fail("'schedule' must be a table ([schedule] with kind, dates …)")

    folder = path.parent
    raw_file = _inside(folder, data["raw_file"], "raw_file", fail)
    documents = tuple(_inside(folder, name, "documents", fail) for name in documents)

    def str_map(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise fail(f'\'{key}\' must be a table of "alias" = "canonical" strings')
        return dict(value)

    section_defaults = data.get("section_defaults", {})
    if not isinstance(section_defaults, dict):
        raise fail("'section_defaults' must be a table of sections")
    for title, values in section_defaults.items():
        if not isinstance(values, dict) or set(values) - {"source"}:
            raise fail(f"section_defaults.{title!r} may only set 'source'")
        if values.get("source", "unknown") not in SOURCES:
            raise fail(f"section_defaults.{title!r}.source must be one of {', '.join(SOURCES)}")

    manifest = Manifest(
        slug=slug,
        name=data["name"].strip(),
        name_en=str(data.get("name_en", "")),
        raw_file=raw_file,
        year=year,
        layout=layout,
        encoding=str(data.get("encoding", "auto")),
        sheet=data.get("sheet"),
        table=table,
        first_unit_leads=first_unit_leads,
        default_source=default_source,
        documents=documents,
        unit_prefix=str(data.get("unit_prefix", "区")),
        scope=str(data.get("scope", "")).strip(),
        unit_aliases=str_map("unit_aliases"),
        leader_aliases=str_map("leader_aliases"),
        section_defaults={k: dict(v) for k, v in section_defaults.items()},
        schedule=dict(data.get("schedule", {})),
        path=path,
    )
    _check_schedule(manifest)
    return manifest


def _refuse_linked_folder(path: Path) -> None:
    """A district folder (or its manifest) that is a symbolic link would read from elsewhere."""
    for link in (path.parent, path):
        if link.is_symlink():
            what = "district folder" if link == path.parent else "manifest"
            raise ManifestError(
                f"the {what} is a symbolic link (to {os.readlink(link)}), so its files would be "
                "read from outside the raw data folder; copy it in instead",
                path=path,
            )


def _inside(folder: Path, name: str, key: str, fail) -> Path:
    """``name`` resolved (symlinks too) inside the district's folder, and a file."""
    home = folder.resolve()
    try:
        target = (folder / name).resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError on a loop
        raise fail(
            f"{key} {name!r} is a symbolic link that cannot be followed ({exc}); name the "
            "file itself"
        ) from exc
    if not target.is_relative_to(home):
        raise fail(
            f"{key} {name!r} points outside the district's folder {folder}; copy the file "
            "into the folder and name it there"
        )
    if not target.is_file():
        what = "raw_file" if key == "raw_file" else "document"
        raise fail(f"{what} {name!r} does not exist in {folder}")
    return target


def discover_manifests(raw_dir: str | Path) -> list[Manifest]:
    """All district manifests under ``raw_dir`` (one folder per district), sorted by slug.

    Raises:
        ManifestError: A manifest is malformed, or two districts share a slug.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise ManifestError("raw data folder not found", path=raw_dir)
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
        if not folder.name.startswith((".", "_")) and not (folder / MANIFEST_NAME).exists():
            warnings.warn(
                f"{folder}: no {MANIFEST_NAME}, so this folder is not read as a district; add "
                "one (see the README) or move the folder out of the raw data folder",
                UserWarning,
                stacklevel=2,
            )
    manifests = [read_manifest(p) for p in sorted(raw_dir.glob(f"*/{MANIFEST_NAME}"))]
    seen: dict[str, Path | None] = {}
    for m in manifests:
        if m.slug in seen:
            raise ManifestError(f"slug {m.slug!r} is also used by {seen[m.slug]}", path=m.path)
        seen[m.slug] = m.path
    return sorted(manifests, key=lambda m: m.slug)


def schedule_dates(manifest: Manifest, year: int | None = None) -> list[dt.date]:
    """The district's milestone dates, from its manifest's ``[schedule]``.

    ``kind = "dates"`` lists them; ``"monthly"`` runs from ``start`` to ``end`` (``"2020-07"``),
    one node at each month's end; ``"quarterly"`` (the default) gives the four quarter ends of
    ``year`` (the schedule's, the manifest's, or the argument).

    Raises:
        InputError: The schedule is malformed, or a quarterly schedule has no year.
    """
    sched = manifest.schedule or {}
    kind = sched.get("kind", "quarterly")
    where = manifest.path or manifest.raw_file
    try:
        if kind == "dates":
            if isinstance(sched["dates"], list) and len(sched["dates"]) > MAX_SCHEDULE_NODES:
                raise InputError(_too_many(len(sched["dates"])), path=where)
            dates = sorted(parse_date(d) for d in sched["dates"])
        elif kind == "monthly":
            start = dt.date.fromisoformat(f"{sched['start']}-01")
            end = dt.date.fromisoformat(f"{sched['end']}-01")
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if months > MAX_SCHEDULE_NODES:
                raise InputError(_too_many(months), path=where)
            dates = []
            y, m = start.year, start.month
            while (y, m) <= (end.year, end.month):
                dates.append(dt.date(y, m, calendar.monthrange(y, m)[1]))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        elif kind == "quarterly":
            y = year or sched.get("year") or manifest.year
            if not y:
                raise InputError(
                    "the district's year is unknown: set [schedule] year in the "
                    "manifest or pass a year",
                    path=where,
                )
            dates = [dt.date(int(y), m, calendar.monthrange(int(y), m)[1]) for m in (3, 6, 9, 12)]
        else:
            raise InputError(
                f"unknown schedule kind {kind!r}; use dates, monthly or quarterly", path=where
            )
    except KeyError as exc:
        raise InputError(
            f"[schedule] of kind {kind!r} needs '{exc.args[0]}'; see the README for the form",
            path=where,
        ) from exc
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(
            f"malformed [schedule] ({exc}); dates are written 2020-06-30, months 2020-07; "
            "see the README for the form",
            path=where,
        ) from exc
    if not dates:
        raise InputError("the [schedule] names no milestone", path=where)
    plan_year = sched.get("year") or manifest.year
    if kind != "quarterly" and isinstance(plan_year, int) and not isinstance(plan_year, bool):
        outside = [d for d in dates if abs(d.year - plan_year) > 1]
        if outside:
            raise InputError(
                f"the [schedule] milestone {outside[0]} is more than a year from the plan year "
                f"{plan_year}; milestones fall from {plan_year - 1} to {plan_year + 1}",
                path=where,
            )
    return dates


def _too_many(count: int) -> str:
    return (
        f"the [schedule] names {count:,} milestones; a plan has at most "
        f"{MAX_SCHEDULE_NODES} (check its start and end)"
    )


def _check_schedule(manifest: Manifest) -> None:
    """Fail at read time on a malformed ``[schedule]`` (not later, in a template or a report).

    A quarterly schedule without a year is left to the caller, who may pass one.
    """
    sched = manifest.schedule or {}
    if sched.get("kind", "quarterly") == "quarterly" and not (sched.get("year") or manifest.year):
        return
    try:
        schedule_dates(manifest)
    except InputError as exc:
        raise ManifestError(exc.reason, path=manifest.path) from exc
