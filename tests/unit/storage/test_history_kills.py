"""Kill -9 safety: every set shown as done survives a kill, whether SQLite took it or it waited
in the journal (another program held the file's write lock)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sample_workouts import RDL, THRUST, straight
from test_runner import Voice

from companion.app.runner import SessionRunner
from companion.storage.history import History

# The session a killed process ran: its sets as `runner.command` returned them, each line
# printed the moment the screen would show it (the runner has stored it by then).
SESSION = textwrap.dedent(
    """
    import os, sys, time
    sys.path[:0] = sys.argv[1].split(os.pathsep)
    from pathlib import Path
    from companion.app.runner import SessionRunner
    from companion.domain.effects import RecordSet
    from companion.domain.events import Command
    from companion.storage.history import History
    from sample_workouts import RDL, THRUST, straight
    from test_runner import Voice
    runner = SessionRunner(straight(THRUST, RDL), Voice(), History.open(Path(sys.argv[2])))
    runner.start()
    while not runner.session.finished:
        for effect in runner.command(Command.NEXT):
            if isinstance(effect, RecordSet):
                print("done", effect.record.exercise_id, effect.record.set_number, flush=True)
    print("finished", flush=True)
    time.sleep(60)
    """
)
TRIALS = 6


@pytest.mark.parametrize("held", [False, True], ids=["file free", "file locked"])
def test_every_set_shown_as_done_survives_a_kill(held: bool, tmp_path: Path) -> None:
    rng = random.Random(27 + held)
    lost = []
    for trial in range(TRIALS):
        db = tmp_path / f"h{trial}.sqlite3"
        History.open(db).close()
        other = sqlite3.connect(db, isolation_level=None)
        if held:
            other.execute("BEGIN IMMEDIATE")
        child = subprocess.Popen(
            [sys.executable, "-c", SESSION, os.pathsep.join(sys.path), str(db)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        shown = []
        for _ in range(rng.randint(1, 4)):
            line = child.stdout.readline().split()
            if not line or line[0] != "done":
                break
            shown.append((line[1], int(line[2])))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if held:
            other.execute("ROLLBACK")
        other.close()
        # The next session replays what waited in the journal.
        SessionRunner(straight(THRUST, RDL), Voice(), History.open(db)).start()
        history = History.read_only(db)
        first = min(history.sessions(), key=lambda past: past.id)
        stored = [(s.exercise_id, s.set_number) for s in first.summary.sets]
        history.close()
        if stored[: len(shown)] != shown:
            lost.append((trial, shown, stored))
    assert lost == []
