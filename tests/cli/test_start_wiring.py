"""`companion start` wiring: history off when the data dir is unusable, and the next session opens
with the load the progression rules suggest."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.app.wiring import Wiring
from companion.domain.effects import Outcome, RecordSet, SetRecord, Show, StepKind
from companion.domain.events import Command
from companion.library import load_library
from companion.speech_in.settings import ListenSettings
from companion.speech_out.settings import SpeechSettings
from companion.tui.app import CompanionApp
from companion.tui.session_screen import SessionScreen


def wiring() -> Wiring:
    wired = Wiring(SpeechSettings(mute=True), ListenSettings(enabled=False))
    wired.ui_ready.set()
    return wired


async def test_unwritable_data_dir_runs_the_session_with_history_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data directory should be")
    monkeypatch.setenv("COMPANION_DATA_DIR", str(blocker))
    wired = wiring()
    app = CompanionApp(
        load_library().workouts,
        open_session=wired.open_session,
        open_listener=wired.open_listener,
        start="hip-thrust",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.runner.history is None
        banner = str(screen.query_one("#banner").render())
        assert "History is off: cannot open history at" in banner
        await pilot.press("space")
        assert screen.view is not None and screen.view.step_index == 1  # the session goes on
    wired.close()


def test_next_session_opens_with_the_suggested_load() -> None:
    workout = load_library().get("hip-thrust")
    exercise = workout.exercises[0]
    assert exercise.load is not None
    wired = wiring()
    runner = wired.open_session(workout)
    now = [0.0]
    runner.clock = lambda: now[0]
    runner.start()
    # Every working set paced to the end: all reps at the top of the range.
    done: list[SetRecord] = []
    while len(done) < exercise.sets:
        if runner.session.step.kind is StepKind.SET:
            now[0] += 1.0
            done += [e.record for e in runner.tick() if isinstance(e, RecordSet)]
        else:
            runner.command(Command.NEXT)
    assert [(r.outcome, r.reps_done) for r in done] == [
        (Outcome.DONE, exercise.reps[1])
    ] * exercise.sets
    wired.close()

    wired = wiring()
    runner = wired.open_session(workout)
    shows = [e for e in runner.start() if isinstance(e, Show)]
    while runner.session.step.kind is not StepKind.SET:
        shows += [e for e in runner.command(Command.NEXT) if isinstance(e, Show)]
    intro = shows[-1].view.instruction
    step = 5 if workout.unit.value == "lb" else 2.5
    assert shows[-1].view.load == exercise.load + step
    assert f"up {step:g} from last time" in intro.lower()
    wired.close()


@pytest.mark.parametrize("argv", [[], ["--mute", "--no-listen"], ["start", "hip-thrust"]])
def test_the_picker_and_start_read_their_settings_and_run(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.cli import main

    shown: list[str | None] = []
    monkeypatch.setattr(CompanionApp, "run", lambda app: shown.append(app.start_with))
    assert main(argv) == 0
    assert shown == [argv[1] if argv[:1] == ["start"] else None]


@pytest.mark.parametrize(
    "argv",
    [
        ["--mute", "--engine", "moonshine", "start", "hip-thrust"],
        ["start", "hip-thrust", "--mute", "--engine", "moonshine"],
        ["--rate", "150", "start", "hip-thrust", "--engine", "moonshine", "--mute"],
    ],
)
def test_session_options_count_before_or_after_the_subcommand(argv: list[str]) -> None:
    from companion.cli import build_parser
    from companion.speech_in.settings import settings_from_args as listen_settings
    from companion.speech_out.settings import settings_from_args as speech_settings

    args = build_parser().parse_args(argv)
    assert speech_settings(args).mute
    assert speech_settings(args).rate == (150 if "--rate" in argv else 175)
    assert listen_settings(args).engine == "moonshine"


def damage_history() -> Path:
    """A history of many sessions, then pages 5 to 14 overwritten, as a bad sector would."""
    from companion import paths
    from companion.storage.history import History

    workout = load_library().get("hip-thrust")
    exercise = workout.exercises[0]
    history = History.open(paths.history_db())
    for _ in range(100):
        session = history.start_session(workout)
        for number in (1, 2, 3):
            record = SetRecord(
                exercise.id, exercise.name, number, 3, "", 0, (8, 12), 12, 95.0, workout.unit,
                Outcome.DONE,
            )  # fmt: skip
            history.record_set(session, record, workout)
    history.close()
    path = paths.history_db()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 15 * page
    data[5 * page : 15 * page] = bytes(range(256)) * (10 * page // 256)
    path.write_bytes(data)
    return path


def test_a_damaged_history_turns_history_off_and_the_session_still_opens() -> None:
    path = damage_history()
    wired = wiring()
    runner = wired.open_session(load_library().get("hip-thrust"))
    assert runner.history is None
    assert runner.history_note.startswith(f"history is off: cannot read history at {path}")
    assert "the file is damaged" in runner.history_note
    wired.close()


def test_a_damaged_history_is_a_clear_error_for_companion_history(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from companion.cli import main

    damage_history()
    assert main(["history"]) == 2
    err = capsys.readouterr().err
    assert "the file is damaged" in err and "move it aside" in err


def test_companion_history_with_a_file_for_a_data_directory_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from companion import paths
    from companion.cli import main

    paths.history_db().parent.parent.mkdir(parents=True, exist_ok=True)
    paths.history_db().parent.write_text("not a directory")
    assert main(["history"]) == 2
    err = capsys.readouterr().err
    assert err == f"companion: cannot read history at {paths.history_db()}: Not a directory\n"


def test_companion_history_refuses_a_limit_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    from companion.cli import main

    with pytest.raises(SystemExit) as raised:
        main(["history", "--limit", "0"])
    assert raised.value.code == 2
    assert "--limit: expected a whole number, 1 or more: '0'" in capsys.readouterr().err


def test_with_no_listen_the_session_names_keys_not_words() -> None:
    """--no-listen reaches the session: its briefing says "press h", not "say pain"."""
    runner = wiring().open_session(load_library().get("hip-thrust"))
    (shown,) = [e.view for e in runner.start() if isinstance(e, Show)]
    assert "If anything hurts, press h" in shown.instruction
    assert "say" not in shown.instruction.lower()
