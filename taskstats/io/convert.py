"""Converting old and WPS office files with LibreOffice in headless mode.

``.doc``, ``.wps`` and ``.rtf`` become ``.docx``; ``.et`` (and an ``.xls`` calamine cannot read)
becomes ``.xlsx``. The conversion works on a copy in a private temporary folder, with a private
LibreOffice profile (so it neither waits for nor disturbs a LibreOffice the user has open, and
fetches no linked content), without network, and with a timeout after which LibreOffice is
killed whole; the original file is never touched.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.budget import Budget
from taskstats.io.run import is_out_of_space, no_temp_space_message, private_folder, run_program

_MIN_FREE_BYTES = 50_000_000  # below this, a failed conversion is put down to a full folder
_PACKAGES = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}


def find_soffice() -> str | None:
    """The LibreOffice program (``TASKSTATS_SOFFICE``, else ``soffice`` or ``libreoffice``)."""
    named = os.environ.get("TASKSTATS_SOFFICE")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(
    path: str | Path,
    data: bytes,
    target: str,
    what: str,
    suffix: str | None = None,
    timeout: float | None = None,
) -> bytes:
    """The bytes of ``data`` converted by LibreOffice to ``target`` (``docx``, ``xlsx`` or ``pdf``).

    LibreOffice runs through :func:`taskstats.io.run.run_program`: in a private folder (its
    profile, TMPDIR and HOME), without network (no linked or remote content is fetched), and in
    its own process group, killed whole (``soffice.bin`` too) when the time is up.

    Args:
        path: The original file, for messages (never written).
        data: Its bytes.
        target: The format to convert to.
        what: How to name the file's kind in messages (``a .doc Word document``).
        suffix: The extension that names the content's kind to LibreOffice (``.rtf``), when the
            file's own may mislead it (an RTF saved as ``.txt`` would be read as plain text);
            default the file's own.
        timeout: Seconds LibreOffice may take; default ``TASKSTATS_MAX_SECONDS`` (60).

    Raises:
        InputError: LibreOffice is not installed, fails, or runs out of time; or no temporary
            folder can be written (missing, read-only or full).
    """
    soffice = find_soffice()
    if soffice is None:
        package = _PACKAGES.get(target, "libreoffice")
        raise InputError(
            f"this is {what}; reading it needs LibreOffice to convert it to .{target}, and "
            f"LibreOffice (soffice) is not installed. Install it (Debian/Ubuntu: apt-get install "
            f"{package}; or from libreoffice.org), or open the file in WPS or Office and save "
            f"it as .{target}",
            path=path,
        )
    timeout = Budget.from_env().seconds if timeout is None else timeout
    with private_folder("taskstats-convert-", path=path) as work:
        source = work / f"input{suffix or Path(path).suffix.lower() or '.bin'}"
        out = work / "out"
        profile = work / "profile"
        try:
            source.write_bytes(data)
            _write_profile(profile)
        except OSError as exc:
            raise InputError(no_temp_space_message(exc), path=path) from exc
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        try:
            done = run_program(command, folder=work, timeout=timeout)
        except OSError as exc:
            if is_out_of_space(exc):
                raise InputError(no_temp_space_message(exc), path=path) from exc
            raise InputError(f"LibreOffice could not be started: {exc}", path=path) from exc
        if done.timed_out:
            raise InputError(
                f"LibreOffice did not convert {what} within {timeout:g} s; open it in WPS "
                f"or Office and save it as .{target}, or raise TASKSTATS_MAX_SECONDS",
                path=path,
            )
        converted = out / f"{source.stem}.{target}"
        if done.returncode != 0 or not converted.is_file():
            if _free_bytes(work) < max(_MIN_FREE_BYTES, 4 * len(data)):
                raise InputError(no_temp_space_message(OSError(errno.ENOSPC, "full")), path=path)
            raise InputError(
                f"LibreOffice could not convert {what} to .{target} "
                f"({done.said() or 'no output'}); the file may be damaged or password-protected: "
                f"open it in WPS or Office and save it as .{target}",
                path=path,
            )
        return converted.read_bytes()


def _free_bytes(folder: Path) -> int:
    """The space left where ``folder`` is."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def _write_profile(profile: Path) -> None:
    """A fresh LibreOffice profile that fetches nothing: links are never updated, no remote
    graphics, no update checks, macros off."""
    user = profile / "user"
    user.mkdir(parents=True)
    items = "".join(
        f'<item oor:path="{where}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for where, name, value in _OFFLINE_SETTINGS
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' + items + "</oor:items>\n",
        encoding="utf-8",
    )


_OFFLINE_SETTINGS = (
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableActiveContent", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "2"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "2"),
    ("/org.openoffice.Office.Common/Misc", "UseLocking", "false"),
    ("/org.openoffice.Office.Common/Inet/Settings", "ooInetProxyType", "0"),
    (
        "/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
        "AutoCheckEnabled",
        "false",
    ),
)
