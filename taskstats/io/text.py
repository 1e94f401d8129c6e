"""Decoding raw text files: UTF-8 (with or without BOM) first, then GB18030."""

from __future__ import annotations

import codecs
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.files import read_input

AUTO_ENCODINGS = ("utf-8", "gb18030")
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def check_encoding(encoding: str, path: str | Path | None = None) -> str:
    """``encoding`` if it names a text encoding Python knows (``auto`` too).

    Raises:
        InputError: Unknown (``rot-13`` is text to text, ``hex`` bytes to bytes: neither
            decodes a file).
    """
    if encoding == "auto":
        return encoding
    try:
        "a".encode(encoding)
    except UnicodeError:
        pass  # a text encoding that cannot write "a" (rare) still decodes files
    except (LookupError, TypeError) as exc:
        raise InputError(
            f"unknown text encoding {encoding!r}; use auto, utf-8, gb18030, utf-16 …",
            path=path,
        ) from exc
    return encoding


def decode_bytes(data: bytes, path: str | Path, encoding: str = "auto") -> tuple[str, str]:
    """Decode a raw file's bytes.

    Args:
        data: The file's bytes.
        path: The file, for error messages.
        encoding: A codec name, or ``auto`` to try strict UTF-8 (BOM allowed), then GB18030.

    Returns:
        The text with universal newlines, and the encoding that decoded it.

    Raises:
        InputError: No encoding decodes the file, or the bytes are not text.
    """
    for bom, codec in _UNICODE_BOMS:  # what Excel and Notepad write for "Unicode text"
        if encoding == "auto" and data.startswith(bom):
            return _decode(data[len(bom) :], codec, path), codec
    if b"\x00" in data[:4096]:
        raise InputError(
            "this looks like a binary file, not a text table (NUL bytes); "
            "save the table as .txt, .csv or .xlsx",
            path=path,
        )
    if encoding != "auto":
        check_encoding(encoding, path)
        return _decode(data, encoding, path), encoding
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8", path), "utf-8-sig"
    try:
        return _normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as utf8_error:
        utf8_ok_until = utf8_error.start
    if utf8_ok_until > 0 and _looks_like_utf8_chinese(data[:utf8_ok_until]):
        # Chinese text that is valid UTF-8 up to here: the rest is in another encoding.
        line = data[:utf8_ok_until].count(b"\n") + 1
        raise InputError(
            "mixed encodings: the file starts as UTF-8 Chinese text but is not UTF-8 from "
            f"byte {utf8_ok_until} on; re-save the whole file in one encoding",
            path=path,
            line=line,
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 (bad byte at offset {utf8_ok_until}) and not GB18030 "
            f"(bad byte at offset {exc.start}); re-save the file as UTF-8 or set "
            "'encoding' in the manifest",
            path=path,
            line=line,
        ) from exc
    return _normalise_newlines(text), "gb18030"


def read_text(path: str | Path, encoding: str = "auto") -> tuple[str, str]:
    """Read a text file, size-checked (:func:`taskstats.io.files.read_input`), with
    :func:`decode_bytes`; returns the text and its encoding.

    Raises:
        InputError: Not a regular file, too large, unreadable, or not decodable.
    """
    return decode_bytes(read_input(path), path, encoding)


def _decode(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return _normalise_newlines(data.decode(encoding))
    except (LookupError, TypeError) as exc:
        raise InputError(f"unknown text encoding {encoding!r}", path=path) from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"cannot be decoded as {encoding} (bad byte at offset {exc.start})",
            path=path,
            line=line,
        ) from exc


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_utf8_chinese(prefix: bytes) -> bool:
    """Whether a valid UTF-8 prefix holds multi-byte (CJK) text, not just ASCII."""
    try:
        decoded = prefix.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return sum(1 for ch in decoded if "\u4e00" <= ch <= "\u9fff") >= 2
