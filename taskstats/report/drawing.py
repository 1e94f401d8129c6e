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
disk, and ends with ``os._exit``. Its warnings are sent back and raised here by
:meth:`ChartsAhead.finish`. A chart it did not deliver (it failed, died or took longer than
:data:`TIMEOUT_S`) is drawn here, so its error is raised here with its own traceback; a hung
copy is killed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
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

from taskstats.report.render import CORES_ENV
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
    this process may run on, or :data:`CORES_ENV` when a batch shares them out)."""
    if not sys.platform.startswith("linux") or cores() < 2:
        return False
    import matplotlib

    return kernel_shell() is not None and "inline" in matplotlib.get_backend()


def cores() -> int:
    """The cores a report's kernel may use: :data:`CORES_ENV` when set (a batch running
    several reports at once gives each its share), else those this process may run on."""
    given = os.environ.get(CORES_ENV, "").strip()
    if given.isdigit():
        return int(given)
    return len(os.sched_getaffinity(0))


class ChartsAhead:
    """The charts being drawn; see :func:`draw_ahead`."""

    def __init__(self, makers: Mapping[str, Maker], *, lang: str, ahead: bool) -> None:
        self._makers = dict(makers)
        self._lang = lang
        self._drawn: dict[str, tuple[dict, dict]] = {}  # key → (data, metadata) as displayed
        self._waiting: dict[str, object] = {}  # key → the placeholder's display handle
        self._caught: list[tuple] = []  # the copy's warnings, raised here by finish()
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
        self._waiting[key] = display(pending, raw=True, display_id=True)

    def finish(self) -> None:
        """Wait for the charts still drawn elsewhere and put each in its placeholder; draw here
        what did not come. Call it once every chart has been shown."""
        if self._pid is None:
            return
        end = time.monotonic() + TIMEOUT_S
        with self._arrived:
            while not self._ended and any(k not in self._drawn for k in self._waiting):
                self._arrived.wait(timeout=max(0.0, end - time.monotonic()))
                if time.monotonic() >= end:
                    break
        self._stop()
        for message, category, filename, lineno in self._caught:  # said here, in the cell
            warnings.warn_explicit(message, category, filename, lineno)
        self._caught.clear()
        for key, handle in self._waiting.items():
            drawn = self._drawn.get(key)
            if drawn is None:  # not delivered: drawn here, where an error shows its traceback
                figure = self._makers[key]()
                handle.update(figure)
                plt.close(figure)
            else:
                handle.update(drawn[0], metadata=drawn[1], raw=True)
        self._waiting.clear()

    def _start(self) -> None:
        shell = kernel_shell()
        if shell is None:
            return
        read, write = os.pipe()
        # The two processes share the kernel's memory until either writes to it; the cyclic
        # garbage collector writes to every object it visits, so the kernel's objects are
        # frozen out of its reach until finish() and the copy does not collect at all.
        gc.freeze()
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a threaded process may deadlock the child; this
            # child takes no lock the kernel's threads use (no output, no imports it has not
            # done, no messages) and ends with os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the copy: draw, send, end
            os.close(read)
            _draw_and_send(self._makers, shell.display_formatter, Connection(write, readable=False))
        os.close(write)
        self._pid = pid
        # A cell stopped before finish(): the copy is collected with this object.
        self._collect = weakref.finalize(self, _collect, pid)
        threading.Thread(
            target=self._receive, args=(Connection(read, writable=False),), daemon=True
        ).start()

    def _receive(self, connection: Connection) -> None:
        """Take each chart as it arrives (a thread of the kernel, asleep in between)."""
        with connection:
            while True:
                try:
                    key, data, metadata, caught = connection.recv()
                except (EOFError, OSError, pickle.UnpicklingError):
                    break
                with self._arrived:
                    self._drawn[key] = (data, metadata)
                    self._caught += caught
                    self._arrived.notify_all()
        with self._arrived:
            self._ended = True
            self._arrived.notify_all()

    def _stop(self) -> None:
        if self._pid is not None:
            self._pid = None
            self._collect()
            gc.unfreeze()


def _collect(pid: int) -> None:
    """End the copy (it has ended by itself unless it hung) and collect it."""
    with contextlib.suppress(ChildProcessError, ProcessLookupError):
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _draw_and_send(makers: Mapping[str, Maker], formatter, connection: Connection) -> None:
    """In the copy: draw each chart as the kernel would display it and send it; stop at the
    first that fails (the kernel draws it and the rest itself). Never returns."""
    try:
        gc.disable()
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the copy ends here
        for key, make in makers.items():
            with warnings.catch_warnings(record=True) as caught:
                figure = make()
                data, metadata = formatter.format(figure)
                plt.close(figure)
            said = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
            connection.send((key, data, metadata, said))
    except BaseException:  # the kernel draws what was not sent
        pass
    finally:
        os._exit(0)
