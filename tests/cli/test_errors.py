"""No traceback reaches the user: unexpected errors become one line and a crash log."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from companion import paths
from companion.app.runner import SessionRunner
from companion.cli import main
from companion.domain.workout import Workout
from companion.library import load_library
from companion.speech_in.port import NoSpeechIn
from companion.tui.app import CompanionApp


def test_unexpected_error_in_a_command_is_one_line_and_logged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(args: argparse.Namespace) -> int:
        raise ValueError("boom")

    monkeypatch.setattr("companion.cli.history.run", explode)
    assert main(["history"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unexpected error (ValueError: boom)" in err
    log = paths.cache_dir() / "crash.log"
    assert "Traceback" in log.read_text() and "boom" in log.read_text()


@pytest.mark.parametrize("argv", [["validate", "--keys"], ["list"], ["history"]])
def test_a_reader_that_goes_away_ends_a_listing_quietly(argv: list[str]) -> None:
    # As in `companion validate --keys | head -1`, but with the reader gone before the first
    # write, so the pipe is broken however much fits in its buffer.
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("companion")), *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")


def test_unknown_workout_lists_known_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["start", "no-such-workout"]) == 2
    err = capsys.readouterr().err
    assert "no workout called 'no-such-workout'" in err
    assert "hip-thrust" in err and "runner-posterior-chain" in err


async def app_failing_with(message: str) -> CompanionApp:
    """The app, run until opening its session raises RuntimeError(message)."""

    def open_session(workout: Workout) -> SessionRunner:
        raise RuntimeError(message)

    app = CompanionApp(
        load_library().workouts,
        open_session=open_session,
        open_listener=NoSpeechIn,
        start="hip-thrust",
    )
    with pytest.raises(RuntimeError, match=re.escape(message)):  # Pilot re-raises for tests
        async with app.run_test():
            pass
    return app


async def test_an_error_inside_the_app_is_logged_not_printed() -> None:
    app = await app_failing_with("adapter exploded")
    log: Path = paths.cache_dir() / "crash.log"
    assert "adapter exploded" in log.read_text()
    assert app.return_code == 1


async def test_an_error_whose_message_has_brackets_still_ends_the_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The one line is plain text: "[/]" in an error's message is not markup (it used to raise
    again inside the error handler, and the app hung on a blank screen)."""
    app = await app_failing_with("closing tag '[/]' has nothing to close")
    assert app.return_code == 1
    shown = " ".join(capsys.readouterr().err.split())  # as printed on leaving, wrapped
    assert "(RuntimeError: closing tag '[/]' has nothing to close)" in shown
