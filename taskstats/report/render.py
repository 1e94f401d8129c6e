"""Running the notebooks with papermill and nbconvert into self-contained HTML, in batches."""

from __future__ import annotations

import ctypes
import html
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from taskstats import __version__, config
from taskstats.datasets import select_manifests
from taskstats.errors import ReportError
from taskstats.io.files import atomic_path, remove_stale_temps
from taskstats.io.locking import exclusive
from taskstats.report.cores import CORES_ENV, cores_for, usable_cores
from taskstats.report.html import PAGE
from taskstats.report.wording import text

DISTRICT_NOTEBOOK = "district_report.ipynb"
COMPARE_NOTEBOOK = "compare_districts.ipynb"
CELL_TIMEOUT = 600  # seconds one notebook cell may run (a hung kernel otherwise waits forever)
# Set in the environment of the kernels taskstats starts to run a report (papermill): a kernel
# that only runs a report, so it may end without Python's last collections (report/style.py).
REPORT_RUN_ENV = "TASKSTATS_REPORT_RUN"


def cell_timeout(seconds: float | None = None) -> int:
    """Seconds a notebook cell may run: ``seconds``, else ``TASKSTATS_CELL_TIMEOUT``, else 600.

    Raises:
        ReportError: The environment variable is not a positive whole number.
    """
    if seconds is not None:
        return max(1, int(seconds))
    value = os.environ.get("TASKSTATS_CELL_TIMEOUT", "").strip()
    if not value:
        return CELL_TIMEOUT
    if not value.isdigit() or int(value) < 1:
        raise ReportError(
            f"TASKSTATS_CELL_TIMEOUT={value!r} must be a whole number of seconds, such as 600"
        )
    return int(value)


def notebook_path(name: str) -> Path:
    """A bundled notebook by file name."""
    path = config.notebooks_dir() / name
    if not path.is_file():
        raise ReportError(f"{path}: notebook not found")
    return path


def execute_to_html(
    notebook: Path,
    parameters: dict,
    target: Path,
    *,
    title: str,
    lang: str,
    failed_dir: Path,
    kernel_name: str | None = None,
    timeout: float | None = None,
) -> Path:
    """Run a notebook with papermill and write it as one self-contained HTML file.

    The previous ``target`` is replaced only when everything succeeded. On failure the executed
    notebook is kept in ``failed_dir`` for debugging and the error names the failing cell.
    Each cell may run ``timeout`` seconds (:func:`cell_timeout`); a cell that runs longer fails
    the report.
    """
    import nbformat
    import papermill

    with tempfile.TemporaryDirectory(prefix="taskstats-") as tmp:
        executed = Path(tmp) / notebook.name
        kernel_log = Path(tmp) / "kernel.log"
        try:
            for attempt in range(1, KERNEL_STARTS + 1):
                kernel_log.unlink(missing_ok=True)  # each start's own log
                try:
                    papermill.execute_notebook(
                        str(notebook),
                        str(executed),
                        kernel_manager_class=kernel_manager_class(kernel_log),
                        parameters=parameters,
                        cwd=tmp,
                        kernel_name=kernel_name or _kernel_name(),
                        progress_bar=False,
                        log_output=False,
                        request_save_on_cell_execute=False,
                        execution_timeout=cell_timeout(timeout),
                    )
                    break
                except RuntimeError:
                    # Kernels started at the same moment (a batch, or another program) can
                    # pick the same free port; the kernel then dies at once. Start it again.
                    if attempt == KERNEL_STARTS or not _port_taken(kernel_log):
                        raise
        except papermill.PapermillExecutionError as exc:
            kept = _keep_failed(executed, failed_dir, target.stem)
            first = next((ln for ln in str(exc.source).splitlines() if ln.strip()), "")
            raise ReportError(
                f"{notebook.name} failed in cell {exc.cell_index} [{first.strip()[:60]}] "
                f"({exc.ename}: {exc.evalue}); the previous {target.name} is kept; executed "
                f"notebook: {kept}"
            ) from exc
        except Exception as exc:  # papermill/jupyter_client raise many kinds; name them all
            kept = _keep_failed(executed, failed_dir, target.stem)
            raise ReportError(
                f"{notebook.name} could not run ({type(exc).__name__}: {exc}); "
                f"the previous {target.name} is kept"
                + (f"; see {kept}" if kept else "")
                + _kernel_log(kernel_log)
            ) from exc
        body = page_body(nbformat.read(executed, as_version=4), lang)
        page = PAGE.format(
            lang="zh-CN" if lang == "zh" else "en",
            version=__version__,
            title=html.escape(title),
            body=body,
        )
        with atomic_path(target) as tmp_target:
            tmp_target.write_text(page, encoding="utf-8")
            _stop_if_orphaned()  # the parent holds the lock: replace nothing once it is gone
    return target


_IMG_WITHOUT_ALT = re.compile(r"<img (?![^>]*\balt=)")


def page_body(nb, lang: str) -> str:
    """The executed notebook's outputs as the page's body (nbconvert's ``basic`` template, no
    code, no prompts, no notes or parameters cells); each chart's image named by its alt text.

    nbconvert's HTML exporter ends by parsing the whole page again (BeautifulSoup) only to add
    an English placeholder to images without alt text and to make JupyterLab's cells focusable;
    on a report of some twenty tables that pass costs about as much as the rest of the
    conversion. The exporter below stops before it and the alt text is written here.
    """
    exporter = _page_exporter()(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    from nbconvert.preprocessors import TagRemovePreprocessor

    remover = TagRemovePreprocessor(
        remove_cell_tags={"notes", "parameters", "injected-parameters"}, enabled=True
    )
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    alt = html.escape(text(lang)["chart_alt"])
    body = body.replace(  # the placeholder of an exporter that adds it (see _page_exporter)
        'alt="No description has been provided for this image"', f'alt="{alt}"'
    )
    return _IMG_WITHOUT_ALT.sub(f'<img alt="{alt}" ', body)


def _page_exporter() -> type:
    """nbconvert's HTML exporter without its closing BeautifulSoup pass (see :func:`page_body`):
    the same filters, then the template. Where this nbconvert's exporter is built otherwise, it
    is used as it is."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class _PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            if not (hasattr(self, "_init_resources") and hasattr(self, "_nb_metadata")):
                return super().from_notebook_node(nb, resources, **kw)
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter(
                "highlight_code",
                self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
                ),
            )
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return _PageExporter


# --- report workers tied to their parent ---------------------------------------------------------

_PARENT: int | None = None  # the process that started this worker (and holds the lock)
_PR_SET_PDEATHSIG = 1


def _tie_to_parent(parent: int, cores: int) -> None:
    """Worker start-up: die with the parent (it holds the reports' lock), never outlive it;
    the worker's kernels may use ``cores`` cores (:data:`CORES_ENV`).

    On Linux the kernel sends SIGKILL to the worker when its parent dies (``PR_SET_PDEATHSIG``);
    elsewhere a watchdog thread ends the worker within a second of it. The notebook kernels a
    worker starts end with it (ipykernel polls its parent). Before a report replaces the
    previous one, the worker checks again that its parent lives (:func:`_stop_if_orphaned`).
    """
    global _PARENT
    _PARENT = parent
    os.environ[CORES_ENV] = str(cores)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, name="taskstats-parent-watch", daemon=True).start()
    _stop_if_orphaned()  # the parent may have died before the tie was made


def _die_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent() -> None:
    import time

    while True:
        _stop_if_orphaned()
        time.sleep(0.5)


def _stop_if_orphaned() -> None:
    """End this worker at once (no cleanup, no writes) when the process that started it died."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(70)


KERNEL_STARTS = 3  # attempts to start a kernel whose port was taken in the meantime


def _port_taken(kernel_log: Path) -> bool:
    try:
        return "Address already in use" in kernel_log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def kernel_manager_class(stderr: Path | None = None) -> type:
    """A kernel manager that asks for an encrypted channel when the kernel supports one,
    writes the kernel's own log to ``stderr`` (a file) instead of this process's terminal, and
    tells the kernel it runs a report (:data:`REPORT_RUN_ENV`).

    jupyter_client interrupts a kernel as it shuts it down, and the kernel may log that as an
    error ("KeyboardInterrupt caught in kernel") after a run that succeeded; the log is shown
    only when a run fails.
    """
    from jupyter_client.manager import AsyncKernelManager

    class _KernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.has_trait("transport_encryption"):
                self.transport_encryption = "auto"

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["env"] = {**(kw.get("env") or os.environ), REPORT_RUN_ENV: "1"}
            if stderr is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            with open(stderr, "ab") as log:
                return await super()._async_launch_kernel(kernel_cmd, stderr=log, **kw)

    return _KernelManager


def _kernel_log(path: Path) -> str:
    """The last lines of a kernel's log, for an error message ("" when it said nothing)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return ("; kernel log: " + " | ".join(lines[-5:])) if lines else ""


def _kernel_name() -> str:
    """The kernel papermill starts: this Python's, registered for the venv if needed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
        return "python3"
    except NoSuchKernel as exc:
        raise ReportError("no python3 Jupyter kernel; run `make setup`") from exc


def _keep_failed(executed: Path, failed_dir: Path, stem: str) -> Path | None:
    if not executed.exists():
        return None
    failed_dir.mkdir(parents=True, exist_ok=True)
    kept = failed_dir / f"{stem}.failed.ipynb"
    shutil.copyfile(executed, kept)
    return kept


@dataclass(frozen=True)
class Job:
    """One report to render."""

    notebook: str
    parameters: dict
    target: Path
    title: str
    lang: str


def report_jobs(
    districts: Sequence[str],
    *,
    as_of: str = "",
    progress: str = "auto",
    language: str = "zh",
    compare: bool = True,
    out_dir: Path | None = None,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
) -> list[Job]:
    """The notebooks to run for these districts (and the comparison)."""
    out = Path(out_dir or config.reports_dir())
    common = {
        "as_of": as_of,
        "progress": progress,
        "language": language,
        "raw_dir": str(raw_dir or ""),
        "store_dir": str(store_dir or ""),
    }
    # Names only: each notebook reads its own tables, so the tables are not read here.
    names = {
        m.slug: (m.name_en or m.name) if language == "en" else m.name
        for m in select_manifests(list(districts), raw_dir=raw_dir)
    }
    jobs = [
        Job(
            DISTRICT_NOTEBOOK,
            {"district": d, **common},
            out / f"{d}.html",
            text(language)["title"].format(name=names[d]),
            language,
        )
        for d in districts
    ]
    if compare:  # first: it takes longest, so the batch's last worker is not left with it
        jobs.insert(
            0,
            Job(
                COMPARE_NOTEBOOK,
                {"districts": ",".join(districts), **common},
                out / "compare.html",
                text(language)["compare_title"],
                language,
            ),
        )
    return jobs


def _run_job(job: Job, failed_dir: str, timeout: float | None = None) -> str:
    execute_to_html(
        notebook_path(job.notebook),
        job.parameters,
        job.target,
        title=job.title,
        lang=job.lang,
        failed_dir=Path(failed_dir),
        timeout=timeout,
    )
    return str(job.target)


def render_reports(
    districts: Sequence[str] | None = None,
    *,
    as_of: str = "",
    progress: str = "auto",
    language: str = "zh",
    compare: bool = True,
    jobs: int | None = None,
    out_dir: str | Path | None = None,
    raw_dir: str | Path | None = None,
    store_dir: str | Path | None = None,
    on_done: Callable[[str, str | None], None] | None = None,
    timeout: float | None = None,
) -> list[Path]:
    """Render district reports (and the comparison) to ``reports/``, in parallel.

    The workers die with this process and write only while it holds the reports' lock.

    Args:
        districts: Slugs; default all bundled districts.
        jobs: Parallel workers; default the number of cores.
        on_done: Called with (target, error or None) as each report finishes.
        timeout: Seconds one notebook cell may run (default :func:`cell_timeout`).

    Returns:
        The reports written.

    Raises:
        ReportError: One or more reports failed; the others were written, the failed ones
            kept their previous version.
    """
    if districts is None:
        districts = [m.slug for m in select_manifests(raw_dir=raw_dir)]
    out = Path(out_dir or config.reports_dir())
    out.mkdir(parents=True, exist_ok=True)
    work = report_jobs(
        districts,
        as_of=as_of,
        progress=progress,
        language=language,
        compare=compare,
        out_dir=out,
        raw_dir=raw_dir,
        store_dir=store_dir,
    )
    workers = max(1, min(jobs or usable_cores(), len(work)))
    written, errors = [], []
    with exclusive(out, ".reports.lock"):
        remove_stale_temps(out)
        for job, error in _run_jobs(work, workers, str(out / "failed"), cell_timeout(timeout)):
            if on_done:
                on_done(str(job.target), error)
            if error:
                errors.append(error)
            else:
                written.append(job.target)
    if errors:
        raise ReportError(
            f"{len(errors)} of {len(work)} report(s) failed:\n"
            + "\n".join(f"  {e}" for e in errors)
        )
    return sorted(written)


def _run_jobs(
    work: list[Job], workers: int, failed_dir: str, timeout: int
) -> Iterator[tuple[Job, str | None]]:
    """Run the jobs (in worker processes tied to this one when there are several) and yield
    each with its error, as they finish."""
    if workers == 1:
        for job in work:
            yield job, _error_of(lambda job=job: _run_job(job, failed_dir, timeout))
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_tie_to_parent,
        initargs=(os.getpid(), cores_for(workers)),
    ) as pool:
        futures = {pool.submit(_run_job, job, failed_dir, timeout): job for job in work}
        for future in as_completed(futures):
            yield futures[future], _error_of(future.result)


def _error_of(run: Callable[[], object]) -> str | None:
    try:
        run()
    except ReportError as exc:
        return str(exc)
    return None
