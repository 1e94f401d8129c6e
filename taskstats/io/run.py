"""Running an external program (LibreOffice, Chromium, a native reader) so it cannot escape.

Every child runs in a private folder that is its working directory, its ``TMPDIR`` and its
``HOME`` (so it reads no user profile and leaves nothing behind), in its own process group that is
killed whole when the time is up or the call ends (LibreOffice's ``soffice.bin`` runs on after
its wrapper otherwise), and without network: in a network namespace of its own where ``unshare``
allows it, and in any case with every proxy pointed nowhere, so a link named inside a document is
never fetched.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from taskstats.errors import InputError, TaskstatsError

_DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there
_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


@dataclass
class Finished:
    """How a child program ended.

    Attributes:
        returncode: Its exit status (negative: killed by that signal).
        stdout: What it wrote to standard output.
        stderr: What it wrote to standard error.
        timed_out: Whether it was killed for running out of time.
    """

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool = False

    def said(self, chars: int = 300) -> str:
        """The end of what it wrote (standard error, else output), for a message."""
        text = (self.stderr or self.stdout).decode("utf-8", "replace").strip()
        return text[-chars:]


@contextlib.contextmanager
def private_folder(
    prefix: str, *, path: str | Path | None = None, error: type[TaskstatsError] = InputError
) -> Iterator[Path]:
    """A temporary folder of the caller's own, removed afterwards.

    Args:
        prefix: The folder name's start (``taskstats-convert-``).
        path: The file being worked on, for messages.
        error: The error class raised when no folder can be made.

    Raises:
        TaskstatsError: (``error``) no writable temporary folder, or no space in it.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
    except (FileNotFoundError, PermissionError, OSError) as exc:
        message = no_temp_space_message(exc)
        raise (
            error(message, path=path) if issubclass(error, InputError) else error(message)
        ) from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def no_temp_space_message(exc: OSError | None = None) -> str:
    """What to say when the temporary folder is missing, unwritable or full."""
    where = os.environ.get("TMPDIR") or tempfile.gettempdir()
    if exc is not None and getattr(exc, "errno", None) in _NO_SPACE:
        return (
            f"the temporary folder {where} is full; free some space there or set TMPDIR to a "
            "folder with free space, and run again"
        )
    return (
        f"no writable temporary folder ({where}: {getattr(exc, 'strerror', None) or exc}); "
        "set TMPDIR to a writable folder with free space, and run again"
    )


def is_out_of_space(exc: BaseException) -> bool:
    """Whether an error is a full disk (or quota)."""
    return isinstance(exc, OSError) and exc.errno in _NO_SPACE


def run_program(
    command: Sequence[str],
    *,
    folder: Path,
    timeout: float,
    stdin: bytes | None = None,
    offline: bool = True,
) -> Finished:
    """Run ``command`` in ``folder`` (its cwd, TMPDIR and HOME) in a process group of its own.

    The whole group is killed when the time is up, and when the call ends in any other way
    (an interrupt), so no grandchild outlives it.

    Args:
        command: The program and its arguments.
        folder: A private folder (:func:`private_folder`).
        timeout: Seconds the program may run.
        stdin: Bytes given on its standard input, if any.
        offline: Run it without network.

    Returns:
        How it ended.

    Raises:
        OSError: The program could not be started.
    """
    for sub in ("tmp", "home"):
        (folder / sub).mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        TMPDIR=str(folder / "tmp"),
        TMP=str(folder / "tmp"),
        TEMP=str(folder / "tmp"),
        HOME=str(folder / "home"),
        XDG_CACHE_HOME=str(folder / "home" / ".cache"),
        XDG_CONFIG_HOME=str(folder / "home" / ".config"),
        XDG_RUNTIME_DIR=str(folder / "tmp"),
    )
    argv = list(command)
    if offline:
        for name in ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy"):
            env[name] = env[name.upper()] = _DEAD_PROXY
        env["no_proxy"] = env["NO_PROXY"] = ""
        argv = network_namespace() + argv
    child = subprocess.Popen(
        argv,
        cwd=folder,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own session and process group
    )
    try:
        out, err = child.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(child.pid)
        out, err = child.communicate()
        return Finished(child.returncode, out, err, timed_out=True)
    finally:
        _kill_group(child.pid)  # what it started and left running
        if child.poll() is None:
            child.kill()
            child.wait()
    return Finished(child.returncode, out, err)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@functools.cache
def network_namespace() -> list[str]:
    """The prefix that runs a program without network (``unshare -rn``), or [] where the
    system allows no user namespaces (the dead proxies still keep it from fetching)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    try:
        done = subprocess.run(
            [unshare, "-rn", "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [unshare, "-rn"] if done.returncode == 0 else []
