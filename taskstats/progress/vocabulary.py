"""The status vocabulary of returned sheets: tolerant about how a status is typed, strict about
what it means. The words are data (``taskstats/rules/vocabulary_<name>.toml`` or a file of one's
own), so an office adds a unit's way of writing a status without touching code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from taskstats.errors import InputError
from taskstats.progress.schedule import read_rule_file
from taskstats.tidy.normalize import fold
from taskstats.tidy.schema import STATUSES


@dataclass(frozen=True)
class StatusVocabulary:
    """Folded spellings to the four statuses, and how a value is folded before lookup."""

    name: str
    words: dict[str, str]  # folded spelling -> one of STATUSES
    traditional: dict[str, str]  # character -> simplified character
    ignore: str  # characters dropped (closing marks, ticks)

    def fold(self, value: str) -> str:
        """A typed value as it is looked up: half-width, no spaces, simplified, marks dropped."""
        text = fold(value)
        text = "".join(self.traditional.get(ch, ch) for ch in text)
        return "".join(ch for ch in text if ch not in self.ignore)

    def status(self, value: str) -> str | None:
        """The status a typed value means (已完成, 序时推进, 滞后 or 未启动), or None."""
        return self.words.get(self.fold(value))


def load_vocabulary(name_or_path: str | Path = "statuses") -> StatusVocabulary:
    """A bundled status vocabulary (``statuses``) or one from a TOML file of the same shape.

    Raises:
        InputError: The file is missing, or maps a word to something not one of the four
            statuses, or maps one word to two statuses.
    """
    data, path = read_rule_file(name_or_path, prefix="vocabulary_", kind="status vocabulary")
    table = data.get("statuses", {})
    vocabulary = StatusVocabulary(
        str(data.get("name", path.stem)),
        {},
        {str(k): str(v) for k, v in data.get("traditional", {}).items()},
        str(data.get("ignore", "")),
    )
    for status, spellings in table.items():
        if status not in STATUSES:
            raise InputError(
                f"[statuses] {status!r} is not a status; use {', '.join(STATUSES)}", path=path
            )
        for word in [status, *spellings]:
            key = vocabulary.fold(str(word))
            if vocabulary.words.get(key, status) != status:
                raise InputError(
                    f"[statuses] {word!r} is listed under both {vocabulary.words[key]} and "
                    f"{status}; keep it under one",
                    path=path,
                )
            vocabulary.words[key] = status
    for status in STATUSES:  # the four statuses themselves always read
        vocabulary.words.setdefault(vocabulary.fold(status), status)
    return vocabulary
