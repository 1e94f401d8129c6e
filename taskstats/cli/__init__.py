"""The ``taskstats`` command line: a thin layer over the library."""

from __future__ import annotations

import os
import re
import sys
import warnings

import click
import pandas as pd

from taskstats import __version__
from taskstats.errors import TaskstatsError, escape_controls


class _Group(click.Group):
    """Shows a one-line error for the project's own errors; ``--debug`` shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # inside the try: a reader that left shows here, not at exit
            return result
        except TaskstatsError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(_said("error", message=exc), err=True)
            sys.exit(2)
        except BrokenPipeError:
            _quiet_stdout()  # `taskstats progress status X | head -2`: the reader left
            sys.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a failure we did not foresee: one line, no traceback
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(_said("unexpected", kind=type(exc).__name__, message=exc), err=True)
            sys.exit(1)


def _said(key: str, **values) -> str:
    """A line the CLI says, from the wording package (``SAID``)."""
    from taskstats.report.wording.cli import SAID

    return SAID[key].format(**values)


class _TerminalSafe:
    """A text stream that escapes control characters on their way out (the CLI's choke point).

    Every word the CLI prints (tables, file names, cells, warnings, errors) passes through
    ``write``, so an escape sequence in a cell or a file name is shown, never obeyed.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape_controls(text))

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _guard_terminal() -> None:
    """Route stdout and stderr through :class:`_TerminalSafe` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _TerminalSafe):
            setattr(sys, name, _TerminalSafe(stream))


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        return


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one line each (``警告：…``), without the source line."""
    click.echo(_said("warning", message=message), err=True)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="taskstats")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Task decomposition tables (目标任务分解表) into tidy data, measures and reports."""
    ctx.obj = {"debug": debug}
    _guard_terminal()
    if not debug:
        warnings.showwarning = _show_warning


def checked_as_of(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A given date checked at once, before any file is read or notebook kernel started."""
    from taskstats.tidy.schema import iso_date

    return iso_date(value) if value else value


AS_OF_OPTION = click.option(
    "--as-of",
    "as_of",
    default="",
    callback=checked_as_of,
    help="Date of the progress figures (YYYY-MM-DD).",
)
PROGRESS_OPTION = click.option(
    "--progress",
    "progress_",
    type=click.Choice(["auto", "real", "demo"]),
    default="auto",
    show_default=True,
    help="Progress data: the real ledger, or simulated.",
)
LANGUAGE_OPTION = click.option(
    "--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True
)


def progress_options(command, *, language: bool = True):
    """The options every command that shows progress takes: date, data (and language)."""
    options = [AS_OF_OPTION, PROGRESS_OPTION] + ([LANGUAGE_OPTION] if language else [])
    for option in reversed(options):
        command = option(command)
    return command


def dated_options(command):
    """Date and progress data, for documents written in Chinese only (deck, bulletin)."""
    return progress_options(command, language=False)


# The display columns a text cell may take in a terminal table (a Chinese character takes two);
# a longer text is cut there and ends in "…".
TEXT_WIDTH = 40


def print_table(
    df: pd.DataFrame,
    lang: str = "zh",
    *,
    transpose: bool = False,
    width: int = TEXT_WIDTH,
    rows: int | None = None,
) -> str:
    """A table for the terminal, headed and worded as the reports are (``--csv`` keeps codes):
    districts by name, shares and rates as percentages, counts as integers, other numbers to
    two decimals, gaps as "—"; text left-aligned and cut to ``width`` display columns with "…",
    figures right-aligned. ``transpose``: one column per district, one row per measure.
    ``rows``: only the first rows shown, worded from the whole table (a rank tied with a row
    left out is still marked 并列). Every command prints its tables with this."""
    from taskstats.report.wording import cli_frame

    if df.empty:
        return "（无）" if lang == "zh" else "(nothing)"
    shown = cli_frame(df, lang, district_names(df, lang), transpose=transpose)
    if rows and not transpose:
        shown = shown.head(rows)
    if transpose:  # the measures' names on the left, every district's figures to the right
        shown = shown.reset_index(names="")
    left = [not all(FIGURE.fullmatch(str(v)) for v in shown[c]) for c in shown.columns]
    return terminal_table(shown, left, width)


# A cell that is a figure (right-aligned): a number, a percentage, a rank tied (并列), a gap.
FIGURE = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?(（并列）| \(tied\))?|—")


def terminal_table(shown: pd.DataFrame, left: list[bool], width: int = TEXT_WIDTH) -> str:
    """A frame of text as aligned lines: a column ``left`` is left-aligned and its cells cut to
    ``width`` display columns ("…" ends a cut cell), the others right-aligned; columns two
    spaces apart, widths counted as a terminal shows them (a Chinese character is two)."""
    header = [str(c) for c in shown.columns]
    rows = [
        [
            _cut(" ".join(str(v).split()), width) if lft else str(v)
            for v, lft in zip(r, left, strict=True)
        ]
        for r in shown.itertuples(index=False)
    ]
    widths = [max(_display(c) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        padded = (
            c + " " * (w - _display(c)) if lft else " " * (w - _display(c)) + c
            for c, w, lft in zip(cells, widths, left, strict=True)
        )
        return "  ".join(padded).rstrip()

    return "\n".join(line(cells) for cells in [header, *rows])


def _display(text: str) -> int:
    """The columns a terminal gives ``text``: two for a wide (Chinese) character."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    """``text`` within ``width`` display columns, ending in "…" when cut."""
    if _display(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        used += _display(ch)
        if used > width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def district_names(df: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """The names of the districts a table lists (slug to name, from their manifests under the
    raw folder; a slug stays as it is when its manifest is not there)."""
    from taskstats import config
    from taskstats.errors import TaskstatsError
    from taskstats.report.views import display_name
    from taskstats.tidy.manifest import discover_manifests

    if "district" not in df.columns:
        return {}
    wanted = set(df["district"].astype(str))
    try:
        manifests = discover_manifests(config.raw_data_dir())
    except TaskstatsError:
        return {}
    return {m.slug: display_name(m, lang) for m in manifests if m.slug in wanted}


# The commands, grouped by what they work on, register themselves on ``main``.
from taskstats.cli import data, documents, followup, tracking  # noqa: E402, F401
