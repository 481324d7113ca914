"""`companion history`: past sessions, and with --week the weekly volume per movement pattern.

Records a session left waiting in the journal (the file was locked, or the disk full, until the
app quit or crashed) are written first; otherwise the file is only read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.domain import script
from companion.domain.effects import Outcome, SessionSummary
from companion.errors import UserError
from companion.printable import printable
from companion.tui.ending import DID_NOT_FINISH, ending_words

if TYPE_CHECKING:
    from companion.storage.history import History


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list past sessions",
        description="List past sessions: date, workout, sets done, loads, skips, pain reports.",
    )
    parser.add_argument(
        "--limit", type=_positive, default=20, help="how many sessions (default 20)"
    )
    parser.add_argument(
        "--week",
        action="store_true",
        help="sets per movement pattern over the last 7 days, and the hinge fatigue total",
    )
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more: {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from companion import paths
    from companion.storage.history import History, HistoryUnavailable

    path = paths.history_db()
    _write_waiting(path)
    try:
        empty = path.stat().st_size == 0  # SQLite's own view of a 0-byte file: no tables yet
    except FileNotFoundError:
        empty = True
    except OSError as err:  # e.g. a file where the data directory should be
        raise UserError(f"cannot read history at {path}: {err.strerror}") from err
    if empty:
        print(f"No sessions yet (history lives in {path}).")
        return 0
    try:
        history = History.read_only(path)
    except HistoryUnavailable as err:
        raise UserError(str(err)) from err
    try:
        if args.week:
            unreadable = _print_week(history)
        else:
            _print_sessions(history, args.limit)
            unreadable = history.unreadable
    except HistoryUnavailable as err:
        raise UserError(str(err)) from err
    finally:
        history.close()
    if unreadable:
        print(
            f"{_rows(unreadable)} of {path} could not be read (damaged, or edited by hand):"
            " not shown above"
        )
    return 0


def _write_waiting(path: Path) -> None:
    """Writes what the journal beside `path` keeps; says so when it cannot, and goes on."""
    from companion.storage.history import History, HistoryUnavailable
    from companion.storage.journal import Journal, journal_path, replay

    journal = Journal(journal_path(path))
    if not journal.path.exists():
        return
    try:
        history = History.open(path)
    except HistoryUnavailable as err:
        print(f"Records kept in {journal.path} could not be written: {err}", file=sys.stderr)
        return
    try:
        replayed = replay(history, journal)
    except HistoryUnavailable as err:
        print(f"Records kept in {journal.path} could not be written: {err}", file=sys.stderr)
        return
    finally:
        history.close()
    if replayed.unreadable:
        print(
            f"{_rows(replayed.unreadable)} in {journal.path} could not be read; the file is kept"
            " beside it, renamed .unreadable-…",
            file=sys.stderr,
        )


def _rows(count: int) -> str:
    return f"{count} row{'' if count == 1 else 's'}"


def _print_sessions(history: History, limit: int) -> None:
    past = history.sessions(limit)
    if not past:
        print("No sessions yet.")
        return
    for session in past:
        summary = session.summary
        when = session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        status = ending_words(summary) if session.ended_at else DID_NOT_FINISH
        # Names come from the workout file the session ran, and an old row may hold an ESC or
        # a BEL from before control characters were refused (or from a hand edit): none may
        # act on the terminal, so every line that holds stored text is printed escaped.
        print(printable(f"{when}  {summary.workout} ({summary.workout_id})  {status}"))
        pained = f", stopped by pain {summary.stopped_by_pain}" if summary.stopped_by_pain else ""
        print(f"    sets done {summary.sets_done}, skipped {summary.skipped}{pained}")
        if loads := loads_line(summary):
            print(printable(f"    loads: {loads}"))
        if pain := pain_line(summary):
            print(printable(f"    pain: {pain}"))


def loads_line(summary: SessionSummary) -> str:
    """The loads lifted, per exercise (or regression) as done: "Hip thrust 95–100 lb; …"."""
    loads: dict[str, list[float]] = {}
    for s in summary.sets:
        if s.outcome is not Outcome.SKIPPED and s.load is not None:
            loads.setdefault(s.variant or s.exercise, []).append(s.load)
    return "; ".join(
        f"{name} {_span(values)} {summary.unit.value}" for name, values in loads.items()
    )


def pain_line(summary: SessionSummary) -> str:
    """Each pain report, where and what came of it: "Hip thrust, set 2 (carried on lighter)"."""
    return "; ".join(
        f"{script.pain_place(p)} ({script.pain_outcome(p, summary.unit)})" for p in summary.pain
    )


def _span(values: Sequence[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def _print_week(history: History) -> int:
    """Prints the week; how many sets could not be read (a fatigue this companion does not know)."""
    from companion.domain.workout import Fatigue

    rows = history.weekly_sets()
    if not rows:
        print("No sets in the last 7 days.")
        return 0
    by_pattern: dict[str, int] = {}
    hinge_fatigue = unreadable = 0
    for pattern, fatigue, sets in rows:
        if fatigue and fatigue not in {f.value for f in Fatigue}:
            unreadable += sets
            continue
        shown = printable(pattern) or "unknown"  # a damaged file's text may hold an ESC
        by_pattern[shown] = by_pattern.get(shown, 0) + sets
        if pattern == "hinge" and fatigue:
            hinge_fatigue += Fatigue(fatigue).rank * sets
    print("Sets in the last 7 days, by movement pattern:")
    for pattern, sets in sorted(by_pattern.items()):
        print(f"  {pattern:<16} {sets:>3}")
    print(f"Hinge fatigue total: {hinge_fatigue} (sets × fatigue cost: low 1, moderate 2, high 3)")
    return unreadable
