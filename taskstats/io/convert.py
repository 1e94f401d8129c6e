"""Converting old and WPS office files with LibreOffice in headless mode.

``.doc``, ``.wps`` and ``.rtf`` become ``.docx``; ``.et`` (and an ``.xls`` calamine cannot read)
becomes ``.xlsx``. The conversion works on a copy in a private temporary folder, with a private
LibreOffice profile (so it neither waits for nor disturbs a LibreOffice the user has open) and a
timeout; the original file is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from taskstats.errors import InputError

TIMEOUT_SECONDS = 120
_PACKAGES = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}


def find_soffice() -> str | None:
    """The LibreOffice program (``TASKSTATS_SOFFICE``, else ``soffice`` or ``libreoffice``)."""
    named = os.environ.get("TASKSTATS_SOFFICE")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(
    path: str | Path, data: bytes, target: str, what: str, suffix: str | None = None
) -> bytes:
    """The bytes of ``data`` converted by LibreOffice to ``target`` (``docx``, ``xlsx`` or ``pdf``).

    Args:
        path: The original file, for messages (never written).
        data: Its bytes.
        target: The format to convert to.
        what: How to name the file's kind in messages (``a .doc Word document``).
        suffix: The extension that names the content's kind to LibreOffice (``.rtf``), when the
            file's own may mislead it (an RTF saved as ``.txt`` would be read as plain text);
            default the file's own.

    Raises:
        InputError: LibreOffice is not installed, fails, or runs out of time.
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
    with tempfile.TemporaryDirectory(prefix="taskstats-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix or Path(path).suffix.lower() or '.bin'}"
        source.write_bytes(data)
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, cwd=tmp
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(
                f"LibreOffice did not convert {what} within {TIMEOUT_SECONDS} s; open it in WPS "
                f"or Office and save it as .{target}",
                path=path,
            ) from exc
        except OSError as exc:
            raise InputError(f"LibreOffice could not be started: {exc}", path=path) from exc
        converted = out / f"{source.stem}.{target}"
        if done.returncode != 0 or not converted.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise InputError(
                f"LibreOffice could not convert {what} to .{target} ({detail or 'no output'}); "
                f"the file may be damaged or password-protected: open it in WPS or Office and "
                f"save it as .{target}",
                path=path,
            )
        return converted.read_bytes()
