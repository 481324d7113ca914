"""Training history in SQLite.

The session runner writes each completed set the moment it is recorded (one transaction per set,
WAL journal), so a crash loses at most the set in progress. `companion history` and the
progression rules read it back. Timestamps are wall-clock UTC ISO strings: the session core only
knows monotonic time, so the wall clock is read here, at the moment of writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from companion.domain.effects import (
    Ending,
    Outcome,
    PainAction,
    PainReport,
    SessionSummary,
    SetRecord,
)
from companion.domain.progression import PainOnRecord
from companion.domain.workout import Unit, Workout

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", SetRecord, PainReport)

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


# How long a write waits for another program's write lock. The session writes on the UI thread,
# so it must not freeze the screen; what could not be written is tried again later (`runner`).
BUSY_WAIT_S = 0.5


class HistoryUnavailable(Exception):
    """History cannot be opened or written; the message says where and why."""


class HistoryBusy(HistoryUnavailable):
    """Another program holds the file's write lock: the write may succeed later."""


@dataclass(frozen=True)
class PastSession:
    """A session as history holds it: when it ran, and what was done (`companion history`)."""

    id: int
    started_at: datetime
    ended_at: datetime | None  # None: the app was closed, or crashed, before the end
    summary: SessionSummary


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _seconds(stored: str) -> float:
    """A stored timestamp as POSIX seconds, the wall-clock time the core is given."""
    return datetime.fromisoformat(stored).timestamp()


class History:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

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
            # A newer companion's file is refused before anything is written to it.
            _refuse_newer(_version(db), path)
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
        it is: only a constraint differs. (SQLite still needs to write a WAL file's shared-memory
        index beside it, so a read-only directory does not do.)"""

        def ready(db: sqlite3.Connection) -> None:
            _refuse_newer(_version(db), path)

        return cls(_connected(path, "cannot read history", ready, read_only=True), path)

    def close(self) -> None:
        self._db.close()

    def _read(self, sql: str, parameters: tuple[object, ...]) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error as err:
            raise HistoryUnavailable(_trouble("cannot read history", self.path, err)) from err

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
                raise HistoryBusy(
                    f"{self.path} is locked by another program that is writing to it"
                ) from err
            raise HistoryUnavailable(_trouble("cannot write history", self.path, err)) from err

    # ----------------------------------------------------------------- writing

    def start_session(self, workout: Workout, started_at: datetime | None = None) -> int:
        """`started_at`: when the session began, when its row is written later (the runner
        writes it with the first thing worth keeping); now by default."""
        when = started_at.isoformat(timespec="seconds") if started_at is not None else _now()
        row = {
            "workout_id": workout.id,
            "workout": workout.title,
            "unit": workout.unit.value,
            "started_at": when,
        }
        with self._write() as db:
            cursor = _insert(db, "sessions", row)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_set(
        self, session_id: int, record: SetRecord, workout: Workout | None = None
    ) -> None:
        pattern = fatigue = ""
        if workout is not None:
            try:
                exercise = workout.exercise(record.exercise_id)
                pattern, fatigue = exercise.pattern.value, exercise.fatigue.value
            except KeyError:
                pass
        row = {
            "session_id": session_id,
            **_set_columns(record),
            "pattern": pattern,
            "fatigue": fatigue,
            "recorded_at": _now(),
        }
        with self._write() as db:
            _insert(db, "sets", row)

    def correct_set(self, session_id: int, record: SetRecord) -> None:
        """The reps (and so the outcome) of the latest stored row of the same set, as the person
        gave them after it was recorded."""
        with self._write() as db:
            db.execute(
                "UPDATE sets SET reps_done = ?, outcome = ? WHERE id = (SELECT MAX(id) FROM sets"
                " WHERE session_id = ? AND exercise_id = ? AND set_number = ? AND side = ?"
                " AND round_number = ?)",
                (
                    record.reps_done,
                    record.outcome.value,
                    session_id,
                    record.exercise_id,
                    record.set_number,
                    record.side,
                    record.round_number,
                ),
            )

    def record_pain(self, session_id: int, report: PainReport) -> None:
        """Insert the report, or update it when the session re-sends it with the answer."""
        row = {"session_id": session_id, **_pain_columns(report), "reported_at": _now()}
        with self._write() as db:
            _insert(
                db,
                "pain",
                row,
                " ON CONFLICT (session_id, number) DO UPDATE SET red_flags = excluded.red_flags,"
                " action = excluded.action, new_load = excluded.new_load",
            )

    def finish_session(self, session_id: int, summary: SessionSummary) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, ended_early = ? WHERE id = ?",
                (_now(), summary.ending.value, session_id),
            )

    # ----------------------------------------------------------------- reading

    def sessions(self, limit: int = 50) -> list[PastSession]:
        """The latest sessions, newest first."""
        rows = self._read(
            "SELECT * FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
        )
        return [self._past_session(row) for row in rows]

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
            started_at=datetime.fromisoformat(row["started_at"]),
            ended_at=datetime.fromisoformat(ended) if ended else None,
            summary=summary,
        )

    def session_sets(self, session_id: int) -> list[SetRecord]:
        rows = self._read("SELECT * FROM sets WHERE session_id = ? ORDER BY id", (session_id,))
        return [_set_record(row) for row in rows]

    def session_pain(self, session_id: int) -> list[PainReport]:
        rows = self._read("SELECT * FROM pain WHERE session_id = ? ORDER BY number", (session_id,))
        return [_pain_report(row) for row in rows]

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
        return [PainOnRecord(row["exercise_id"], _seconds(row["reported_at"])) for row in rows]

    def weekly_sets(self, now: datetime | None = None) -> list[tuple[str, str, int]]:
        """(pattern, fatigue, sets done) over the last 7 days."""
        start = (now or datetime.now(UTC)) - timedelta(days=7)
        rows = self._read(
            "SELECT pattern, fatigue, COUNT(*) AS sets FROM sets"
            " WHERE outcome != ? AND recorded_at >= ?"
            " GROUP BY pattern, fatigue ORDER BY pattern, fatigue",
            (Outcome.SKIPPED.value, start.isoformat(timespec="seconds")),
        )
        return [(row["pattern"], row["fatigue"], int(row["sets"])) for row in rows]


def _connected(
    path: Path, doing: str, ready: Callable[[sqlite3.Connection], None], read_only: bool = False
) -> sqlite3.Connection:
    """A connection to the history at `path`, made ready; what fails on the way is a
    HistoryUnavailable saying what was being done, and where."""
    target = f"{path.absolute().as_uri()}?mode=ro" if read_only else str(path)
    try:
        connection = sqlite3.connect(
            target, uri=read_only, isolation_level=None, timeout=BUSY_WAIT_S
        )
    except sqlite3.Error as err:
        raise HistoryUnavailable(_trouble(doing, path, err)) from err
    connection.row_factory = sqlite3.Row  # columns are read by name
    try:
        ready(connection)
    except HistoryUnavailable:
        connection.close()
        raise
    except sqlite3.Error as err:
        connection.close()
        raise HistoryUnavailable(_trouble(doing, path, err)) from err
    return connection


def _trouble(doing: str, path: Path, err: BaseException) -> str:
    message = f"{doing} at {path}: {err}"
    if getattr(err, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        message += (
            "; the file is damaged: keep a copy, then move it aside to start a new history"
            " (`sqlite3 FILE .recover` may get its sessions back)"
        )
    return message


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(version: int, path: Path) -> None:
    if version > VERSION:
        raise HistoryUnavailable(
            f"history at {path} was written by a newer companion (format {version}, this"
            f" one reads up to {VERSION}); upgrade companion to use it"
        )


def _upgrade(db: sqlite3.Connection, path: Path) -> None:
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
    """A `kind` from the columns of the same names as its fields, but for the fields in `read`."""
    same = {f.name: row[f.name] for f in fields(kind) if f.name not in read}
    return kind(**same, **read)


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
        reps_target=(row["reps_low"], row["reps_high"]),
        unit=Unit(row["unit"]),
        outcome=Outcome(row["outcome"]),
    )


def _pain_columns(report: PainReport) -> dict[str, object]:
    red_flags = None if report.red_flags is None else int(report.red_flags)
    action = "" if report.action is None else report.action.value  # "": not chosen yet
    return _columns(report, red_flags=red_flags, action=action)


def _pain_report(row: sqlite3.Row) -> PainReport:
    red_flags = None if row["red_flags"] is None else bool(row["red_flags"])
    action = PainAction(row["action"]) if row["action"] else None
    return _record(PainReport, row, red_flags=red_flags, action=action)
