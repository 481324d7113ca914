"""Training history in SQLite.

The session runner writes each completed set the moment it is recorded (one transaction per set,
WAL journal), so a crash loses at most the set in progress. `companion history` and the
progression rules read it back. Timestamps are wall-clock UTC ISO strings: the session core only
knows monotonic time, so the wall clock is read here, at the moment of writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from companion.domain import script
from companion.domain.effects import Outcome, PainAction, PainReport, SessionSummary, SetRecord
from companion.domain.workout import Unit, Workout

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
class SessionRow:
    id: int
    workout_id: str
    workout: str
    started_at: datetime
    ended_at: datetime | None
    ended_early: str
    sets_done: int  # finished, or ended when position was lost
    skipped: int
    stopped_by_pain: int
    loads: str  # "hip thrust 95–100 lb; …"
    pain: str  # "Hip thrust, set 2 (carried on lighter, 90 lb)"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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

    def _read(self, sql: str, parameters: tuple[object, ...]) -> list[Any]:
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

    def start_session(self, workout: Workout) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (workout_id, workout, unit, started_at) VALUES (?, ?, ?, ?)",
                (workout.id, workout.title, workout.unit.value, _now()),
            )
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
        with self._write() as db:
            db.execute(
                "INSERT INTO sets (session_id, exercise_id, exercise, pattern, fatigue, set_number,"
                " set_count, side, round_number, reps_low, reps_high, reps_done, load, unit,"
                " outcome, variant, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    session_id, record.exercise_id, record.exercise, pattern, fatigue,
                    record.set_number, record.set_count, record.side, record.round_number,
                    record.reps_target[0], record.reps_target[1], record.reps_done, record.load,
                    record.unit.value, record.outcome.value, record.variant, _now(),
                ),
            )  # fmt: skip

    def record_pain(self, session_id: int, report: PainReport) -> None:
        """Insert the report, or update it when the session re-sends it with the answer."""
        red_flags = None if report.red_flags is None else int(report.red_flags)
        action = "" if report.action is None else report.action.value  # "": not chosen yet
        with self._write() as db:
            db.execute(
                "INSERT INTO pain (session_id, number, exercise_id, exercise, set_number, side,"
                " heard, red_flags, action, new_load, reported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (session_id, number) DO UPDATE SET red_flags = excluded.red_flags,"
                " action = excluded.action, new_load = excluded.new_load",
                (
                    session_id, report.number, report.exercise_id, report.exercise,
                    report.set_number, report.side, report.heard, red_flags, action,
                    report.new_load, _now(),
                ),
            )  # fmt: skip

    def finish_session(self, session_id: int, summary: SessionSummary) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, ended_early = ? WHERE id = ?",
                (_now(), summary.ending.value, session_id),
            )

    # ----------------------------------------------------------------- reading

    def sessions(self, limit: int = 50) -> list[SessionRow]:
        rows = self._read(
            "SELECT id, workout_id, workout, unit, started_at, ended_at, ended_early FROM sessions"
            " ORDER BY started_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [self._session_row(*row) for row in rows]

    def _session_row(
        self,
        session_id: int,
        workout_id: str,
        workout: str,
        unit_name: str,
        started: str,
        ended: str | None,
        ended_early: str,
    ) -> SessionRow:
        sets = self.session_sets(session_id)
        lifted = [s for s in sets if s.outcome is not Outcome.SKIPPED]
        unit = Unit(unit_name)  # the workout's, as every set of the session records it
        loads: dict[str, list[float]] = {}
        for s in lifted:
            if s.load is not None:
                loads.setdefault(s.variant or s.exercise, []).append(s.load)
        load_text = "; ".join(
            f"{name} {_span(values)} {unit.value}" for name, values in loads.items()
        )
        pain_text = "; ".join(
            f"{script.pain_place(p)} ({script.pain_outcome(p, unit)})"
            for p in self.session_pain(session_id)
        )
        return SessionRow(
            id=session_id,
            workout_id=workout_id,
            workout=workout,
            started_at=datetime.fromisoformat(started),
            ended_at=datetime.fromisoformat(ended) if ended else None,
            ended_early=ended_early,
            sets_done=sum(1 for s in sets if s.outcome.counts_as_done),
            skipped=sum(1 for s in sets if s.outcome is Outcome.SKIPPED),
            stopped_by_pain=sum(1 for s in sets if s.outcome is Outcome.PAIN),
            loads=load_text,
            pain=pain_text,
        )

    def session_sets(self, session_id: int) -> list[SetRecord]:
        rows = self._read(
            "SELECT exercise_id, exercise, set_number, set_count, side, round_number, reps_low,"
            " reps_high, reps_done, load, unit, outcome, variant FROM sets WHERE session_id = ?"
            " ORDER BY id",
            (session_id,),
        )
        return [
            SetRecord(
                exercise_id=r[0], exercise=r[1], set_number=r[2], set_count=r[3], side=r[4],
                round_number=r[5], reps_target=(r[6], r[7]), reps_done=r[8], load=r[9],
                unit=Unit(r[10]), outcome=Outcome(r[11]), variant=r[12],
            )
            for r in rows
        ]  # fmt: skip

    def session_pain(self, session_id: int) -> list[PainReport]:
        rows = self._read(
            "SELECT number, exercise_id, exercise, set_number, side, heard, red_flags, action,"
            " new_load FROM pain WHERE session_id = ? ORDER BY number",
            (session_id,),
        )
        return [
            PainReport(
                number=r[0], exercise_id=r[1], exercise=r[2], set_number=r[3], side=r[4],
                heard=r[5], red_flags=None if r[6] is None else bool(r[6]),
                action=PainAction(r[7]) if r[7] else None,
                new_load=r[8],
            )
            for r in rows
        ]  # fmt: skip

    def last_session_of(self, workout_id: str) -> int | None:
        """The latest session of this workout that recorded at least one set."""
        rows = self._read(
            "SELECT s.id FROM sessions s WHERE s.workout_id = ? AND EXISTS"
            " (SELECT 1 FROM sets WHERE session_id = s.id) ORDER BY s.started_at DESC, s.id DESC"
            " LIMIT 1",
            (workout_id,),
        )
        return int(rows[0][0]) if rows else None

    def exercises_with_pain(self, since: datetime | None = None) -> set[str]:
        since_text = (since or datetime.min.replace(tzinfo=UTC)).isoformat(timespec="seconds")
        rows = self._read(
            "SELECT DISTINCT exercise_id FROM pain WHERE exercise_id != '' AND reported_at >= ?",
            (since_text,),
        )
        return {r[0] for r in rows}

    def weekly_sets(self, now: datetime | None = None) -> list[tuple[str, str, int]]:
        """(pattern, fatigue, sets done) over the last 7 days."""
        start = (now or datetime.now(UTC)) - timedelta(days=7)
        rows = self._read(
            "SELECT pattern, fatigue, COUNT(*) FROM sets WHERE outcome != ? AND recorded_at >= ?"
            " GROUP BY pattern, fatigue ORDER BY pattern, fatigue",
            (Outcome.SKIPPED.value, start.isoformat(timespec="seconds")),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]


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
    (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version)


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
        not_null = {row[1]: row[3] for row in db.execute("PRAGMA table_info(sets)")}
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


def _span(values: Sequence[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"
