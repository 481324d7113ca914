"""Training history in SQLite.

The session runner writes each completed set the moment it is recorded (one transaction per set,
WAL journal), so a crash loses at most the set in progress. It writes them as `Entry`s, each with
a stable key, which it first keeps in a journal beside the file (`storage.journal`) so that what
waits for a locked file or a full disk survives a crash; `History.apply` writes an entry once,
however often it is replayed. `companion history` and the progression rules read it back.
Timestamps are wall-clock UTC ISO strings: the session core only knows monotonic time, so the
wall clock is read here, at the moment a record is made.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin, get_type_hints

from companion.domain.clearance import RedFlagOnRecord
from companion.domain.effects import (
    Clearance,
    Ending,
    Outcome,
    PainAction,
    PainReport,
    SessionSummary,
    SetRecord,
)
from companion.domain.progression import PainOnRecord
from companion.domain.workout import Area, Pattern, Unit, Workout

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", SetRecord, PainReport)
Readable = TypeVar("Readable")

SETS = """
CREATE TABLE IF NOT EXISTS sets (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    exercise_id TEXT NOT NULL,
    exercise TEXT NOT NULL,
    pattern TEXT NOT NULL DEFAULT '',
    fatigue TEXT NOT NULL DEFAULT '',
    set_number INTEGER NOT NULL,
    set_count INTEGER NOT NULL,
    side TEXT NOT NULL,
    round_number INTEGER NOT NULL,
    reps_low INTEGER NOT NULL,
    reps_high INTEGER NOT NULL,
    reps_done INTEGER,  -- NULL: an unpaced set ended part-way, nobody counted
    load REAL,
    unit TEXT NOT NULL,
    outcome TEXT NOT NULL,
    variant TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
"""
SETS_INDEX = "CREATE INDEX IF NOT EXISTS sets_by_session ON sets(session_id);"
# Kept in PRAGMA user_version. 0: every file written before versions were kept, where
# sets.reps_done was NOT NULL.
VERSION = 1
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    workout_id TEXT NOT NULL,
    workout TEXT NOT NULL,
    unit TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    ended_early TEXT NOT NULL DEFAULT ''
);
{SETS}
CREATE TABLE IF NOT EXISTS pain (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    number INTEGER NOT NULL,
    exercise_id TEXT NOT NULL,
    exercise TEXT NOT NULL,
    set_number INTEGER NOT NULL,
    side TEXT NOT NULL,
    heard TEXT NOT NULL,
    red_flags INTEGER,
    action TEXT NOT NULL,
    new_load REAL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (session_id, number)
);
{SETS_INDEX}
"""


# The keys of the entries written (`History.apply`), so that replaying a journal whose entries
# reached SQLite before a crash does not write them twice. Made by the first entry written, not
# by opening: a file opened while another program writes to it must not wait for its lock.
WRITTEN = """
CREATE TABLE IF NOT EXISTS written (
    key TEXT PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id)
);
"""

# The answers to "has a professional cleared you?" after warning signs (`domain.clearance`). They
# stand apart from sessions: an answer is kept even when its session does nothing, and so never
# becomes history (`runner`). Made by the first answer written, as `written` is, so files from
# before it read as they are (they hold no answer) and need no upgrade.
CLEARANCES = """
CREATE TABLE IF NOT EXISTS clearances (
    key TEXT PRIMARY KEY,  -- the entry's (`Entry.key`): a replay writes it once
    workout_id TEXT NOT NULL,  -- the workout it was asked before
    area TEXT NOT NULL,
    red_flag_at TEXT NOT NULL,  -- when the warning signs asked about were reported
    cleared INTEGER NOT NULL,
    answered_at TEXT NOT NULL
);
"""
# Kinds of entry written apart from any session's row (see CLEARANCES).
SESSIONLESS = frozenset({"clearance"})

# How long a write waits for another program's write lock. The session writes on the UI thread,
# so it must not freeze the screen; what could not be written is tried again later (`runner`).
BUSY_WAIT_S = 0.5
# Errors after which the same write may succeed: a lock is released, disk space comes back.
_TRANSIENT = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
}
# What an entry of each kind holds: the columns of its row, as stored (see `Entry`).
ENTRY_COLUMNS = {
    "start": ("workout_id", "workout", "unit", "started_at"),
    "set": (
        "exercise_id", "exercise", "set_number", "set_count", "side", "round_number",
        "reps_done", "load", "variant", "reps_low", "reps_high", "unit", "outcome", "pattern",
        "fatigue", "recorded_at",
    ),
    "pain": (
        "number", "exercise_id", "exercise", "set_number", "side", "heard", "new_load",
        "red_flags", "action", "reported_at",
    ),
    "correct": ("exercise_id", "set_number", "side", "round_number", "reps_done", "outcome"),
    "clearance": ("workout_id", "area", "red_flag_at", "cleared", "answered_at"),
    "end": ("ended_at", "ended_early"),
}  # fmt: skip


class HistoryUnavailable(Exception):
    """History cannot be opened or written; the message says where and why."""


class HistoryBusy(HistoryUnavailable):
    """The write may succeed later: another program holds the file's write lock, or the disk is
    full (or failed a write)."""


@dataclass(frozen=True)
class Entry:
    """One write to history: a session's start, a set, a pain report, the session's end, or an
    answer about clearance (which SQLite keeps apart from the session), as the row SQLite stores.
    The runner makes them; the journal keeps them until SQLite holds them."""

    session: str  # the session's key: when it started, wall-clock UTC ISO to the microsecond
    number: int  # the entry's place in its session; 0 is the session's start
    kind: str  # a key of ENTRY_COLUMNS
    row: dict[str, object]

    @property
    def key(self) -> str:
        """Stable across replays: the same record always has the same key."""
        return f"{self.session}#{self.number}"


def start_entry(session: str, workout: Workout, started_at: datetime | None = None) -> Entry:
    return Entry(session, 0, "start", _session_columns(workout, started_at))


def set_entry(session: str, number: int, record: SetRecord, workout: Workout) -> Entry:
    return Entry(session, number, "set", _set_row(record, workout))


def pain_entry(session: str, number: int, report: PainReport) -> Entry:
    return Entry(session, number, "pain", _pain_row(report))


def correct_entry(session: str, number: int, record: SetRecord) -> Entry:
    return Entry(session, number, "correct", _correction_row(record))


def clearance_entry(session: str, number: int, answer: Clearance, workout: Workout) -> Entry:
    return Entry(
        session,
        number,
        "clearance",
        {
            "workout_id": workout.id,
            "area": answer.area.value,
            "red_flag_at": datetime.fromtimestamp(answer.red_flag_at, UTC).isoformat(),
            "cleared": int(answer.cleared),
            "answered_at": _now(),
        },
    )


def end_entry(session: str, number: int, summary: SessionSummary) -> Entry:
    return Entry(session, number, "end", {"ended_at": _now(), "ended_early": summary.ending.value})


@dataclass(frozen=True)
class PastSession:
    """A session as history holds it: when it ran, and what was done (`companion history`)."""

    id: int
    started_at: datetime
    ended_at: datetime | None  # None: the app was closed, or crashed, before the end
    summary: SessionSummary


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _when(stored: object) -> datetime:
    """A stored timestamp; ValueError when it is not one (a damaged row)."""
    return datetime.fromisoformat(_text(stored))


def _text(stored: object) -> str:
    if not isinstance(stored, str):
        raise ValueError(f"expected text, got {stored!r}")
    return stored


class History:
    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        copy: tempfile.TemporaryDirectory[str] | None = None,
    ) -> None:
        self._db = connection
        self._wait = BUSY_WAIT_S  # the connection's busy timeout, as `_connected` set it
        self._copy = copy  # where a file in a read-only directory is read from (`read_only`)
        self.path = path
        # Rows the reading methods skipped because they could not be read (a damaged file, or
        # one edited by hand): the reports say how many.
        self.unreadable = 0

    @classmethod
    def open(cls, path: Path) -> History:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError as err:  # what mkdir says of a file where the directory goes
            raise HistoryUnavailable(
                f"cannot open history at {path}: {err.filename} is a file, not a directory"
            ) from err
        except OSError as err:
            raise HistoryUnavailable(_trouble("cannot open history", path, err)) from err

        def ready(db: sqlite3.Connection) -> None:
            # A newer companion's file, or one that cannot be read, is refused before anything
            # is written to it.
            _refuse_newer(_version(db), path)
            _check_tables(db, path, "cannot open history")
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable in WAL mode except across power loss; a set is a few bytes.
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            _upgrade(db, path)

        return cls(_connected(path, "cannot open history", ready), path)

    @classmethod
    def read_only(cls, path: Path) -> History:
        """The file as it is, for reading: nothing is created, upgraded or written, and reading
        never waits for a session's write lock. A file from before versions were kept reads as
        it is: only a constraint differs. In a directory this user cannot write, SQLite cannot
        make the shared-memory index a WAL file needs beside it: the file is read as immutable,
        or, when its WAL holds sets not yet checkpointed (which immutable would not see), from
        a copy of both."""

        def ready(db: sqlite3.Connection) -> None:
            _refuse_newer(_version(db), path)
            _check_tables(db, path, "cannot read history")

        target, options, copy = path, "mode=ro", None
        if not os.access(path.parent, os.W_OK):
            wal = path.with_name(f"{path.name}-wal")
            if wal.exists() and wal.stat().st_size:
                copy = tempfile.TemporaryDirectory(prefix="companion-history-")
                target = Path(copy.name) / path.name
                try:
                    shutil.copyfile(path, target)
                    shutil.copyfile(wal, target.with_name(wal.name))
                except OSError as err:
                    copy.cleanup()
                    raise HistoryUnavailable(_trouble("cannot read history", path, err)) from err
            else:
                options = "immutable=1"
        try:
            connection = _connected(
                path, "cannot read history", ready, f"{target.absolute().as_uri()}?{options}"
            )
        except HistoryUnavailable:
            if copy is not None:
                copy.cleanup()
            raise
        return cls(connection, path, copy)

    def close(self) -> None:
        self._db.close()
        if self._copy is not None:
            self._copy.cleanup()

    def _read(self, sql: str, parameters: tuple[object, ...]) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, parameters).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as err:
            raise HistoryUnavailable(_trouble("cannot read history", self.path, err)) from err

    def _readable(
        self, read: Callable[[sqlite3.Row], Readable], rows: list[sqlite3.Row]
    ) -> list[Readable]:
        """`read` of each row, but for the rows it cannot read: those are counted, and skipped."""
        done = []
        for row in rows:
            try:
                done.append(read(row))
            except (ValueError, TypeError, OverflowError):
                self.unreadable += 1
        return done

    @contextmanager
    def _write(self, wait: float = BUSY_WAIT_S) -> Iterator[sqlite3.Connection]:
        try:
            if wait != self._wait:
                self._db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
                self._wait = wait
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            code = getattr(err, "sqlite_errorcode", 0) & 0xFF  # the primary code
            if code == sqlite3.SQLITE_BUSY:
                raise HistoryBusy(
                    f"{self.path} is locked by another program that is writing to it"
                ) from err
            if code in _TRANSIENT:
                raise HistoryBusy(_trouble("cannot write history", self.path, err)) from err
            raise HistoryUnavailable(_trouble("cannot write history", self.path, err)) from err

    # ----------------------------------------------------------------- writing

    def start_session(self, workout: Workout, started_at: datetime | None = None) -> int:
        """`started_at`: when the session began, when its row is written later (the runner
        writes it with the first thing worth keeping); now by default."""
        with self._write() as db:
            return _start(db, _session_columns(workout, started_at))

    def record_set(
        self, session_id: int, record: SetRecord, workout: Workout | None = None
    ) -> None:
        with self._write() as db:
            _insert(db, "sets", {"session_id": session_id, **_set_row(record, workout)})

    def correct_set(self, session_id: int, record: SetRecord) -> None:
        """The reps (and so the outcome) of the latest stored row of the same set, as the person
        gave them after it was recorded."""
        with self._write() as db:
            _correct(db, session_id, _correction_row(record))

    def record_pain(self, session_id: int, report: PainReport) -> None:
        """Insert the report, or update it when the session re-sends it with the answer."""
        with self._write() as db:
            _upsert_pain(db, session_id, _pain_row(report))

    def finish_session(self, session_id: int, summary: SessionSummary) -> None:
        with self._write() as db:
            _end(db, session_id, {"ended_at": _now(), "ended_early": summary.ending.value})

    def apply(self, entry: Entry, wait: float = BUSY_WAIT_S) -> int | None:
        """Writes `entry` unless history holds it already; the id of its session (0 for a kind
        written apart from sessions, SESSIONLESS), or None when history holds no start for it (a
        journal line lost), so it cannot be written. `wait`: how long to wait for another
        program's write lock."""
        with self._write(wait) as db:
            if entry.kind in SESSIONLESS:
                db.execute(CLEARANCES)
                _insert(
                    db, "clearances", {"key": entry.key, **entry.row}, " ON CONFLICT DO NOTHING"
                )
                return 0
            db.execute(WRITTEN)
            if (done := _session_of(db, entry.key)) is not None:
                return done
            if entry.kind == "start":
                session_id = _start(db, entry.row)
            else:
                started = _session_of(db, f"{entry.session}#0")
                if started is None:
                    return None
                session_id = started
                if entry.kind == "set":
                    _insert(db, "sets", {"session_id": session_id, **entry.row})
                elif entry.kind == "pain":
                    _upsert_pain(db, session_id, entry.row)
                elif entry.kind == "correct":
                    _correct(db, session_id, entry.row)
                else:
                    _end(db, session_id, entry.row)
            db.execute(
                "INSERT INTO written (key, session_id) VALUES (?, ?)", (entry.key, session_id)
            )
        return session_id

    def holds(self, key: str) -> bool:
        """Whether the entry of this key has been written (`apply`)."""
        return any(
            self._read(f"SELECT 1 FROM {table} WHERE key = ?", (key,))
            for table in ("written", "clearances")
            if self._has_table(table)
        )

    def _has_table(self, name: str) -> bool:
        """Whether the file has table `name` yet (of those made by their first write)."""
        return bool(self._read("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)))

    # ----------------------------------------------------------------- reading

    def sessions(self, limit: int = 50) -> list[PastSession]:
        """The latest sessions, newest first."""
        rows = self._read(
            "SELECT * FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
        )
        return self._readable(self._past_session, rows)

    def _past_session(self, row: sqlite3.Row) -> PastSession:
        summary = SessionSummary(
            workout_id=row["workout_id"],
            workout=row["workout"],
            unit=Unit(row["unit"]),  # the workout's, as every set of the session records it
            sets=tuple(self.session_sets(row["id"])),
            pain=tuple(self.session_pain(row["id"])),
            ending=Ending(row["ended_early"]),
        )
        ended = row["ended_at"]
        return PastSession(
            id=row["id"],
            started_at=_when(row["started_at"]),
            ended_at=_when(ended) if ended else None,
            summary=summary,
        )

    def session_sets(self, session_id: int) -> list[SetRecord]:
        rows = self._read("SELECT * FROM sets WHERE session_id = ? ORDER BY id", (session_id,))
        return self._readable(_set_record, rows)

    def session_pain(self, session_id: int) -> list[PainReport]:
        rows = self._read("SELECT * FROM pain WHERE session_id = ? ORDER BY number", (session_id,))
        return self._readable(_pain_report, rows)

    def last_session_of(self, workout_id: str) -> int | None:
        """The latest session of this workout that recorded at least one set."""
        rows = self._read(
            "SELECT s.id FROM sessions s WHERE s.workout_id = ? AND EXISTS"
            " (SELECT 1 FROM sets WHERE session_id = s.id) ORDER BY s.started_at DESC, s.id DESC"
            " LIMIT 1",
            (workout_id,),
        )
        return int(rows[0]["id"]) if rows else None

    def pain_on_record(self) -> list[PainOnRecord]:
        """Every pain report that names an exercise (one made before the first names none)."""
        rows = self._read("SELECT exercise_id, reported_at FROM pain WHERE exercise_id != ''", ())
        return self._readable(
            lambda row: PainOnRecord(
                _text(row["exercise_id"]), _when(row["reported_at"]).timestamp()
            ),
            rows,
        )

    def red_flags_on_record(self) -> list[RedFlagOnRecord]:
        """Every pain report with warning signs, with the patterns it is about: its exercise's, or
        those of every exercise of its session when it names none (a session that warning signs
        end records every set, skipped or not, with its pattern)."""
        rows = self._read(
            "SELECT p.exercise, p.reported_at, (SELECT group_concat(DISTINCT s.pattern) FROM sets s"
            " WHERE s.session_id = p.session_id AND (p.exercise_id = '' OR"
            " s.exercise_id = p.exercise_id)) AS patterns FROM pain p WHERE p.red_flags = 1",
            (),
        )
        return self._readable(
            lambda row: RedFlagOnRecord(
                _text(row["exercise"]),
                _when(row["reported_at"]).timestamp(),
                _patterns(row["patterns"]),
            ),
            rows,
        )

    def clearances(self) -> list[Clearance]:
        """Every answer to "has a professional cleared you?"; none in a file from before them. A
        row that cannot be read is skipped: the question is asked again, not left out."""
        if not self._has_table("clearances"):
            return []
        rows = self._read("SELECT area, red_flag_at, cleared FROM clearances", ())
        return self._readable(
            lambda row: Clearance(
                Area(row["area"]),
                _when(row["red_flag_at"]).timestamp(),
                _yes_or_no(row["cleared"]),
            ),
            rows,
        )

    def weekly_sets(self, now: datetime | None = None) -> list[tuple[str, str, int]]:
        """(pattern, fatigue, sets done) over the last 7 days."""
        start = (now or datetime.now(UTC)) - timedelta(days=7)
        rows = self._read(
            "SELECT pattern, fatigue, COUNT(*) AS sets FROM sets"
            " WHERE outcome != ? AND recorded_at >= ?"
            " GROUP BY pattern, fatigue ORDER BY pattern, fatigue",
            (Outcome.SKIPPED.value, start.isoformat(timespec="seconds")),
        )
        return [(str(row["pattern"]), str(row["fatigue"]), int(row["sets"])) for row in rows]


def _connected(
    path: Path, doing: str, ready: Callable[[sqlite3.Connection], None], uri: str | None = None
) -> sqlite3.Connection:
    """A connection to the history at `path` (or at `uri`, reading), made ready; what fails on
    the way is a HistoryUnavailable saying what was being done, and where."""
    try:
        connection = sqlite3.connect(
            uri or str(path), uri=uri is not None, isolation_level=None, timeout=BUSY_WAIT_S
        )
    except sqlite3.Error as err:
        raise HistoryUnavailable(_trouble(doing, path, err)) from err
    connection.row_factory = sqlite3.Row  # columns are read by name
    # Text that is not UTF-8 (a damaged row) reads as text with "\ufffd" in it, not an error.
    connection.text_factory = lambda data: data.decode(errors="replace")
    try:
        ready(connection)
    except HistoryUnavailable:
        connection.close()
        raise
    except (sqlite3.Error, UnicodeDecodeError) as err:
        connection.close()
        raise HistoryUnavailable(_trouble(doing, path, err)) from err
    return connection


def _trouble(doing: str, path: Path, err: BaseException) -> str:
    if isinstance(err, UnicodeDecodeError):  # SQLite's own message, quoting damaged bytes
        return _damaged(doing, path, "SQLite's message about it is not text")
    message = f"{doing} at {path}: {err}"
    if getattr(err, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        message += f"; {DAMAGED}"
    return message


# What to do about a file that cannot be read; the session writes nothing into it.
DAMAGED = (
    "the file is damaged: keep a copy, then move it aside to start a new history"
    " (`sqlite3 FILE .recover` may get its sessions back)"
)


def _damaged(doing: str, path: Path, what: str) -> str:
    return f"{doing} at {path}: {what}; {DAMAGED}"


# The columns each table must have for this companion to read it (every version's file has them).
_TABLES = {
    "sessions": ("id", "workout_id", "workout", "unit", "started_at", "ended_at", "ended_early"),
    "sets": ("id", "session_id", *ENTRY_COLUMNS["set"]),
    "pain": ("session_id", *ENTRY_COLUMNS["pain"]),
}


def _check_tables(db: sqlite3.Connection, path: Path, doing: str) -> None:
    """Refuses a file whose tables lack a column this companion reads (a damaged file, or another
    program's). A file with none of them yet (a new, or 0-byte, file) passes."""
    for table, columns in _TABLES.items():
        have = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        missing = [column for column in columns if column not in have]
        if have and missing:
            raise HistoryUnavailable(
                _damaged(doing, path, f"its table {table} has no column {missing[0]}")
            )


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(version: int, path: Path) -> None:
    if version > VERSION:
        raise HistoryUnavailable(
            f"history at {path} was written by a newer companion (format {version}, this"
            f" one reads up to {VERSION}); upgrade companion to use it"
        )


def _upgrade(db: sqlite3.Connection, path: Path) -> None:  # after _check_tables
    """Brings an older file up to VERSION in one transaction: interrupted, it stays as it was."""
    if _version(db) == VERSION:
        return  # the usual case, read without waiting for a session's write lock
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _version(db)  # again: another process may have upgraded it meanwhile
        _refuse_newer(version, path)
        not_null = {row["name"]: row["notnull"] for row in db.execute("PRAGMA table_info(sets)")}
        if version < 1 and not_null["reps_done"]:  # a new file was just made as VERSION wants
            # SQLite cannot drop a NOT NULL in place: rebuild the table around its rows.
            db.execute("ALTER TABLE sets RENAME TO sets_v0")
            db.execute(SETS)
            db.execute("INSERT INTO sets SELECT * FROM sets_v0")
            db.execute("DROP TABLE sets_v0")
            db.execute(SETS_INDEX)
        db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite may have rolled back already, after an I/O error
            db.execute("ROLLBACK")
        raise


def _insert(
    db: sqlite3.Connection, table: str, row: Mapping[str, object], on_conflict: str = ""
) -> sqlite3.Cursor:
    """INSERT `row` (column name → value) into `table`."""
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    return db.execute(f"INSERT INTO {table} ({columns}) VALUES ({values}){on_conflict}", row)


def _start(db: sqlite3.Connection, row: Mapping[str, object]) -> int:
    cursor = _insert(db, "sessions", row)
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _upsert_pain(db: sqlite3.Connection, session_id: int, row: Mapping[str, object]) -> None:
    _insert(
        db,
        "pain",
        {"session_id": session_id, **row},
        " ON CONFLICT (session_id, number) DO UPDATE SET red_flags = excluded.red_flags,"
        " action = excluded.action, new_load = excluded.new_load",
    )


def _end(db: sqlite3.Connection, session_id: int, row: Mapping[str, object]) -> None:
    db.execute(
        "UPDATE sessions SET ended_at = :ended_at, ended_early = :ended_early WHERE id = :id",
        {**row, "id": session_id},
    )


def _session_of(db: sqlite3.Connection, key: str) -> int | None:
    """The session of the written entry `key`; None if it was not written."""
    row = db.execute("SELECT session_id FROM written WHERE key = ?", (key,)).fetchone()
    return None if row is None else int(row[0])


def _session_columns(workout: Workout, started_at: datetime | None = None) -> dict[str, object]:
    when = started_at.isoformat(timespec="seconds") if started_at is not None else _now()
    return {
        "workout_id": workout.id,
        "workout": workout.title,
        "unit": workout.unit.value,
        "started_at": when,
    }


def _correction_row(record: SetRecord) -> dict[str, object]:
    """Which stored set a correction is for, and its reps and outcome as the person gave them."""
    return {
        "reps_done": record.reps_done,
        "outcome": record.outcome.value,
        "exercise_id": record.exercise_id,
        "set_number": record.set_number,
        "side": record.side,
        "round_number": record.round_number,
    }


def _correct(db: sqlite3.Connection, session_id: int, row: dict[str, object]) -> None:
    """The reps (and so the outcome) of the latest stored row of the same set."""
    db.execute(
        "UPDATE sets SET reps_done = :reps_done, outcome = :outcome WHERE id = (SELECT MAX(id)"
        " FROM sets WHERE session_id = :session_id AND exercise_id = :exercise_id AND"
        " set_number = :set_number AND side = :side AND round_number = :round_number)",
        {**row, "session_id": session_id},
    )


def _set_row(record: SetRecord, workout: Workout | None) -> dict[str, object]:
    pattern = fatigue = ""
    if workout is not None:
        try:
            exercise = workout.exercise(record.exercise_id)
            pattern, fatigue = exercise.pattern.value, exercise.fatigue.value
        except KeyError:
            pass
    return {**_set_columns(record), "pattern": pattern, "fatigue": fatigue, "recorded_at": _now()}


def _pain_row(report: PainReport) -> dict[str, object]:
    return {**_pain_columns(report), "reported_at": _now()}


# A record's fields are stored in the columns of the same names; those stored otherwise are spelled
# out, both ways, side by side. (A field added to a record without its column fails the first
# INSERT, in the tests.)


def _columns(
    record: DataclassInstance, replaced: Collection[str] = (), **stored: object
) -> dict[str, object]:
    """`record`'s fields as the columns of the same names, but for the fields `replaced` or named
    in `stored`: `stored` gives the columns those are kept in."""
    same = {
        f.name: getattr(record, f.name)
        for f in fields(record)
        if f.name not in replaced and f.name not in stored
    }
    return {**same, **stored}


def _record(kind: type[Record], row: sqlite3.Row, **read: Any) -> Record:
    """A `kind` from the columns of the same names as its fields, but for the fields in `read`;
    ValueError when a value is not of its field's type (text in `load`, say)."""
    same = {f.name: row[f.name] for f in fields(kind) if f.name not in read}
    for name, value in same.items():
        if not _typed(value, get_type_hints(kind)[name]):
            raise ValueError(f"{kind.__name__}.{name} cannot be {value!r}")
    return kind(**same, **read)


def _typed(value: object, hint: Any) -> bool:
    if get_origin(hint) is tuple:
        return isinstance(value, tuple) and all(
            _typed(v, t) for v, t in zip(value, get_args(hint), strict=False)
        )
    if get_args(hint):  # X | None
        return any(_typed(value, t) for t in get_args(hint))
    if hint is float:
        return type(value) in (int, float)
    return type(value) is hint or (hint is type(None) and value is None)


def _set_columns(record: SetRecord) -> dict[str, object]:
    return _columns(
        record,
        ("reps_target",),
        reps_low=record.reps_target[0],
        reps_high=record.reps_target[1],
        unit=record.unit.value,
        outcome=record.outcome.value,
    )


def _set_record(row: sqlite3.Row) -> SetRecord:
    return _record(
        SetRecord,
        row,
        reps_target=_ints(row["reps_low"], row["reps_high"]),
        unit=Unit(row["unit"]),
        outcome=Outcome(row["outcome"]),
    )


def _ints(*values: object) -> tuple[int, int]:
    low, high = values
    if type(low) is not int or type(high) is not int:
        raise ValueError(f"expected whole numbers, got {values!r}")
    return low, high


def _patterns(stored: object) -> frozenset[Pattern]:
    """The patterns of a comma-separated list, leaving out any this companion does not know (an
    empty one, stored without its workout): `RedFlagOnRecord.areas` says what none means."""
    known = {p.value: p for p in Pattern}
    listed = stored.split(",") if isinstance(stored, str) else []  # NULL: no sets stored
    return frozenset(known[v] for v in listed if v in known)


def _yes_or_no(stored: object) -> bool:
    if type(stored) is not int or stored not in (0, 1):
        raise ValueError(f"expected 0 or 1, got {stored!r}")
    return bool(stored)


def _pain_columns(report: PainReport) -> dict[str, object]:
    red_flags = None if report.red_flags is None else int(report.red_flags)
    action = "" if report.action is None else report.action.value  # "": not chosen yet
    return _columns(report, red_flags=red_flags, action=action)


def _pain_report(row: sqlite3.Row) -> PainReport:
    red_flags = None if row["red_flags"] is None else bool(row["red_flags"])
    action = PainAction(row["action"]) if row["action"] else None
    return _record(PainReport, row, red_flags=red_flags, action=action)
