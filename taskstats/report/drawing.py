"""Charts drawn ahead: in a second process while the kernel writes the tables and the text.

A report's page is charts between tables. In a notebook kernel on Linux with two cores or more,
:func:`draw_ahead` forks the kernel once: the copy draws the charts, each as the kernel itself
would show it (the shell's own display formatter, so the same SVG), and hands them back over a
pipe, while the kernel goes on with the tables. :meth:`ChartsAhead.show` puts a chart where it
stands on the page: at once when it has arrived, else as a placeholder filled in place when it
does (a display updated by its id; papermill records the chart where it stands).
:meth:`ChartsAhead.finish` waits for the rest. Elsewhere (a script, one core, another system or
an interactive backend) each chart is drawn where it is shown, as ``plt.show()`` would.

The copy only draws and writes to its pipe: it sends nothing to the notebook, writes nothing to
disk, and ends with ``os._exit``. What drawing warned or printed there is sent back and said
here by :meth:`ChartsAhead.finish`. A chart it did not deliver (it failed, died or took longer
than :data:`TIMEOUT_S`) is drawn here, so its error is raised here with its own traceback; a
hung copy is killed. The kernel's objects are kept out of the garbage collector's reach while a
copy runs (see ``_start``), and given back when the copy has ended, however the cell ended.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import os
import signal
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from taskstats.report.cores import kernel_cores
from taskstats.report.style import kernel_shell
from taskstats.report.wording import LABELS

Maker = Callable[[], Figure]

TIMEOUT_S = 120.0  # for the copy to deliver every chart; then the rest are drawn here


def draw_ahead(
    makers: Mapping[str, Maker], *, lang: str = "zh", ahead: bool | None = None
) -> ChartsAhead:
    """Start drawing the charts ``makers`` make (key → a function returning a Figure).

    Args:
        makers: The charts in page order.
        lang: The language of the placeholder shown while a chart is drawn.
        ahead: Draw them in a second process (``None``: when it can help, see the module).
    """
    return ChartsAhead(makers, lang=lang, ahead=can_draw_ahead() if ahead is None else ahead)


def can_draw_ahead() -> bool:
    """Whether a second process would help: a notebook kernel with the inline backend, on Linux
    (a fork is cheap and copies the kernel's state), with a second core to draw on (the cores
    this process may run on, or :data:`~taskstats.report.cores.CORES_ENV` when a batch shares them
    out)."""
    if not sys.platform.startswith("linux") or kernel_cores() < 2:
        return False
    import matplotlib

    return kernel_shell() is not None and "inline" in matplotlib.get_backend()


class ChartsAhead:
    """The charts being drawn; see :func:`draw_ahead`."""

    def __init__(self, makers: Mapping[str, Maker], *, lang: str, ahead: bool) -> None:
        self._makers = dict(makers)
        self._lang = lang
        self._drawn: dict[str, tuple[dict, dict]] = {}  # key → (data, metadata) as displayed
        self._waiting: dict[str, list] = {}  # key → its placeholders' display handles
        self._said: list[tuple] = []  # the copy's warnings and printed text, said by finish()
        self._arrived = threading.Condition()
        self._pid: int | None = None
        self._ended = False
        if ahead and self._makers:
            self._start()

    # --- the kernel's side ------------------------------------------------------------------

    def show(self, key: str) -> None:
        """Show a chart here: drawn already, or a placeholder filled when it arrives; drawn
        here when no second process draws it."""
        from IPython.display import display

        if key not in self._makers:
            raise KeyError(f"no chart {key!r}; the charts are {', '.join(self._makers)}")
        if self._pid is None:
            self._makers[key]()
            plt.show()
            return
        with self._arrived:
            drawn = self._drawn.get(key)
        if drawn is not None:
            display(drawn[0], metadata=drawn[1], raw=True)
            return
        pending = {"text/plain": LABELS[self._lang]["drawing"]}
        self._waiting.setdefault(key, []).append(display(pending, raw=True, display_id=True))

    def finish(self) -> None:
        """Wait for the charts still drawn elsewhere and put each in its placeholders; draw
        here what did not come; then say what the copy warned and printed. Call it once every
        chart has been shown."""
        if self._pid is None:
            return
        try:
            self._wait()
        finally:
            self._stop()
        with self._arrived:
            drawn, said = dict(self._drawn), list(self._said)
            self._said.clear()
        waiting, self._waiting = self._waiting, {}
        for key, handles in waiting.items():
            if key in drawn:
                for handle in handles:
                    handle.update(drawn[key][0], metadata=drawn[key][1], raw=True)
                continue
            figure = self._makers[key]()  # not delivered: drawn here, where an error shows
            for handle in handles:
                handle.update(figure)
            plt.close(figure)
        for warned, out, err in said:
            sys.stdout.write(out)
            sys.stderr.write(err)
            for message, category, filename, lineno in warned:
                warnings.warn_explicit(message, category, filename, lineno)

    def _wait(self) -> None:
        end = time.monotonic() + TIMEOUT_S
        with self._arrived:
            while not self._ended and any(k not in self._drawn for k in self._waiting):
                left = end - time.monotonic()
                if left <= 0:
                    return
                self._arrived.wait(timeout=left)

    def _start(self) -> None:
        shell = kernel_shell()
        if shell is None:
            return
        _load_before_fork()
        read, write = os.pipe()
        # The two processes share the kernel's memory until either writes to it; the cyclic
        # garbage collector writes to every object it visits, so the kernel's objects are
        # frozen out of its reach while a copy runs, and the copy does not collect at all.
        gc.freeze()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns that forking a threaded process may deadlock the child;
                # the copy takes no lock the kernel's threads use (its modules are loaded
                # before the fork, it sends no message and writes no output) and ends with
                # os._exit.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:  # no process to be had (a limit, memory): every chart drawn here
            _unfreeze_unless_copies()
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the copy: draw, send, end, whatever happens (an interrupt too)
            try:
                os.close(read)
                _draw_and_send(self._makers, shell, Connection(write))
            finally:
                os._exit(0)
        os.close(write)
        _COPIES.add(pid)
        self._pid = pid
        # Once, by whichever comes first: the copy's end (the receiving thread), finish(), or
        # this object's end when a cell stopped before finish().
        self._collect = weakref.finalize(self, _collect, pid)
        connection = Connection(read, writable=False)
        try:
            threading.Thread(target=self._receive, args=(connection,), daemon=True).start()
        except RuntimeError:  # no thread to be had: every chart drawn here
            connection.close()
            self._stop()

    def _receive(self, connection: Connection) -> None:
        """Take each chart as it arrives (a thread of the kernel, asleep in between); an error
        here ends the thread, and finish() draws what did not come."""
        try:
            with connection:
                while True:
                    try:
                        key, data, metadata, said = connection.recv()
                    except (EOFError, OSError):  # the copy has ended
                        return
                    with self._arrived:
                        self._drawn[key] = (data, metadata)
                        self._said.append(said)
                        self._arrived.notify_all()
        finally:
            self._collect()  # the copy has ended (or sends no more): collected, GC given back
            with self._arrived:
                self._ended = True
                self._arrived.notify_all()

    def _stop(self) -> None:
        if self._pid is not None:
            self._pid = None
            self._collect()


_COPIES: set[int] = set()  # the copies drawing now (the kernel's objects stay frozen till none)


def _collect(pid: int) -> None:
    """End the copy (it has ended by itself unless it hung) and collect it."""
    with contextlib.suppress(ChildProcessError, ProcessLookupError):
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    _COPIES.discard(pid)
    _unfreeze_unless_copies()


def _unfreeze_unless_copies() -> None:
    if not _COPIES:
        gc.unfreeze()


def _load_before_fork() -> None:
    """Load what the copy's drawing loads on first use (an import in the copy could wait on a
    lock another of the kernel's threads held at the fork)."""
    for name in ("matplotlib.backends.backend_mixed", "matplotlib.backends.backend_svg"):
        importlib.import_module(name)
    with contextlib.suppress(ImportError):
        importlib.import_module("matplotlib_inline.backend_inline")


def _figure_metadata(figure: Figure) -> dict:
    """What the inline backend adds when it shows a figure (a transparent figure's need for a
    background), so the copy's display is the kernel's."""
    try:
        from matplotlib_inline.backend_inline import _fetch_figure_metadata
    except ImportError:
        return {}
    return _fetch_figure_metadata(figure) or {}


def _draw_and_send(makers: Mapping[str, Maker], shell, connection: Connection) -> None:
    """In the copy: draw each chart as the kernel would display it and send it, with what
    drawing it warned and printed (said in the kernel by finish()); stop at the first that
    fails, or that the shell's formatter could not draw: the kernel draws it and the rest
    itself, and its error is shown there."""
    gc.disable()
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    # The formatter shows its own errors as a message to the notebook, which the copy must
    # not send (the kernel's session refuses it and says so in the kernel's log).
    shell.showtraceback = lambda *args, **kwargs: None
    formatter = shell.display_formatter
    with warnings.catch_warnings(record=True) as caught:  # one registry: each warning once
        for key, make in makers.items():
            figure = make()
            data, metadata = formatter.format(figure)
            metadata = {**metadata, **_figure_metadata(figure)}
            plt.close(figure)
            if not any(kind.startswith("image/") for kind in data):
                return
            warned = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
            connection.send((key, data, metadata, (warned, out.getvalue(), err.getvalue())))
            caught.clear()
            for stream in (out, err):
                stream.seek(0)
                stream.truncate()
