"""The journal: history's records kept beside the history file until SQLite holds them.

The session runner (`companion.app.runner`) appends each record here, synced to disk, before it
writes it to SQLite. While another program holds the file's write lock, or the disk is full, the
records wait here; a crash meanwhile cannot lose them, because the next session (or `companion
history`) replays the journal. Each line is one `Entry` as JSON; its key makes the replay write
it once, however often it is replayed. When SQLite holds every entry the file is removed; if some
line could not be read, it is kept, renamed, for the person to look at.

Appends and the removal take an advisory lock on the file, so that `companion history`, run
while a session is appending, never removes a line it has not checked.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from companion.storage.history import ENTRY_COLUMNS, SESSIONLESS, Entry, History


def journal_path(history: Path) -> Path:
    # Not "<history>-journal": that name is SQLite's own rollback journal.
    return history.with_name(f"{history.name}.waiting.jsonl")


@dataclass(frozen=True)
class Replayed:
    """What a replay did: entries written (or found written already), and lines dropped."""

    written: int
    unreadable: int  # damaged lines, or records of a session whose start was lost


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: Entry) -> None:
        """Adds `entry`, synced to disk; an OSError (a full disk) says it is not kept."""
        line = json.dumps(
            {"session": entry.session, "number": entry.number, "kind": entry.kind, "row": entry.row}
        )
        with self._locked("a+b") as journal:
            end = journal.seek(0, os.SEEK_END)
            if end:
                journal.seek(end - 1)
                if journal.read(1) != b"\n":  # a line cut short by a crash: it stays apart
                    line = "\n" + line
            journal.write(line.encode() + b"\n")
            journal.flush()
            os.fsync(journal.fileno())

    def entries(self) -> tuple[list[Entry], int]:
        """The entries kept, oldest first, and how many lines could not be read (a line cut
        short by a crash mid-append, or one edited by hand)."""
        try:
            with self.path.open(encoding="utf-8", errors="replace") as journal:
                lines = journal.read().splitlines()
        except FileNotFoundError:
            return [], 0
        except OSError:
            return [], 0  # unreadable as a whole: left where it is for a later session
        entries = [entry for line in lines if (entry := _entry(line)) is not None]
        return entries, len(lines) - len(entries)

    def clear(self, history: History) -> None:
        """Removes the file once `history` holds every entry in it that can be written. A line
        that cannot be (damaged, or of a session whose start was lost) is not thrown away: the
        file is renamed, `<name>.unreadable-<time>`."""
        try:
            with self._locked("rb") as journal:
                lines = journal.read().decode(errors="replace").splitlines()
                entries = [entry for line in lines if (entry := _entry(line)) is not None]
                here = {entry.session for entry in entries if entry.kind == "start"}
                written = [history.holds(entry.key) for entry in entries]
                lost = [  # whose session neither this journal nor history holds the start of
                    entry.kind not in SESSIONLESS
                    and entry.session not in here
                    and not history.holds(f"{entry.session}#0")
                    for entry in entries
                ]
                if not all(w or x for w, x in zip(written, lost, strict=True)):
                    return
                if len(entries) < len(lines) or any(lost):
                    self.path.rename(self.path.with_name(f"{self.path.name}.unreadable-{_now()}"))
                else:
                    self.path.unlink()
        except FileNotFoundError:
            pass

    @contextmanager
    def _locked(self, mode: str) -> Iterator[IO[bytes]]:
        """The file, opened in `mode` and locked; again if it was removed while we waited for
        the lock, so that nothing is appended to a file no longer there."""
        while True:
            with self.path.open(mode) as journal:
                fcntl.flock(journal, fcntl.LOCK_EX)
                if os.fstat(journal.fileno()).st_nlink > 0:
                    yield journal
                    return


def replay(history: History, journal: Journal) -> Replayed:
    """Writes what the journal keeps into `history`, then removes the journal if history holds
    all of it. HistoryUnavailable (and HistoryBusy) when history cannot take them now."""
    entries, unreadable = journal.entries()
    written = 0
    for entry in entries:
        if history.apply(entry) is None:
            unreadable += 1
        else:
            written += 1
    journal.clear(history)
    return Replayed(written, unreadable)


def _now() -> int:
    return int(time.time())


def _entry(line: str) -> Entry | None:
    """The entry a journal line holds; None if the line is damaged."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    session, number, kind, row = (data.get(k) for k in ("session", "number", "kind", "row"))
    valid = (
        isinstance(session, str)
        and type(number) is int
        and number >= 0
        and kind in ENTRY_COLUMNS
        and isinstance(row, dict)
        # Exactly the columns of its kind (the names go into SQL), each a value SQLite stores.
        and sorted(row) == sorted(ENTRY_COLUMNS[kind])
        and all(v is None or type(v) in (str, int, float) for v in row.values())
        and (kind == "start") == (number == 0)
    )
    if not valid:
        return None
    assert isinstance(session, str) and isinstance(number, int) and isinstance(row, dict)
    return Entry(session, number, str(kind), row)
