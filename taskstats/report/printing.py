"""Reports on paper: a rendered HTML page printed to PDF by headless Chromium (A4, the page's own
print stylesheet: page breaks, repeated table headers, footer with district, date and page)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from taskstats.errors import ReportError
from taskstats.io.files import atomic_path
from taskstats.io.run import private_folder, run_program

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """The Chromium (or Chrome) to print with: ``TASKSTATS_CHROMIUM``, else the first on PATH."""
    given = os.environ.get("TASKSTATS_CHROMIUM")
    if given:
        return given if Path(given).exists() or shutil.which(given) else None
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def require_chromium() -> str:
    """The Chromium to print with.

    Raises:
        ReportError: None is installed (the message says what to install).
    """
    browser = find_chromium()
    if browser is None:
        raise ReportError(
            "printing to PDF needs Chromium, which was not found: install it (apt-get install "
            "chromium, or set TASKSTATS_CHROMIUM to the browser), or leave out --pdf"
        )
    return browser


def print_pdf(page: str | Path, target: str | Path | None = None, *, timeout: int = 120) -> Path:
    """Print a report page to PDF beside it (``reports/x.html`` → ``reports/x.pdf``).

    The browser runs headless with networking off, so the PDF shows exactly the offline page,
    through :func:`taskstats.io.run.run_program` (a private folder, its own process group killed
    whole on timeout).

    Raises:
        ReportError: No Chromium is installed, or it failed or produced no PDF.
    """
    browser = require_chromium()
    page = Path(page)
    target = Path(target) if target else page.with_suffix(".pdf")
    if not page.is_file():
        raise ReportError(f"{page}: no such report to print")
    with (
        private_folder("taskstats-chromium-", error=ReportError) as folder,
        atomic_path(target) as tmp,
    ):
        profile = folder / "profile"
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={tmp}",
            page.resolve().as_uri(),
        ]
        try:
            done = run_program(command, folder=folder, timeout=timeout)
        except OSError as exc:
            raise ReportError(f"{browser} could not print {page.name}: {exc}") from exc
        if done.timed_out:
            raise ReportError(f"{browser} did not print {page.name} within {timeout} s")
        if not tmp.exists() or tmp.stat().st_size == 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ReportError(
                f"{browser} printed no PDF for {page.name} (exit {done.returncode}): "
                + " | ".join(said)
            )
    return target
