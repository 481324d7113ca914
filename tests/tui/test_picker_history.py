"""The picker shows each workout's last session (date and how it ended), read from history by the
composition root; a workout never done, or no history at all, shows nothing."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import OptionList

from companion import paths
from companion.app.wiring import Wiring
from companion.domain.effects import (
    Ending,
    Outcome,
    PainAction,
    PainReport,
    SessionSummary,
    SetRecord,
)
from companion.library import load_library
from companion.speech_in.settings import ListenSettings
from companion.speech_out.settings import SpeechSettings
from companion.storage.history import History
from companion.tui.app import CompanionApp
from companion.tui.picker import LastSession, PickerScreen

from .appkit import keys_only, make_app, plain


def wiring() -> Wiring:
    return Wiring(SpeechSettings(mute=True), ListenSettings(enabled=False))


def pain_ended_hip_thrust() -> None:
    """A hip-thrust session whose second pain report ended the exercise, as history holds it."""
    workout = load_library().get("hip-thrust")
    exercise = workout.exercises[0]
    history = History.open(paths.history_db())
    session = history.start_session(workout)
    record = SetRecord(exercise.id, exercise.name, 1, 3, "", 0, exercise.reps, None, 95.0,
                       workout.unit, Outcome.PAIN)  # fmt: skip
    history.record_set(session, record, workout)
    report = PainReport(1, exercise.id, exercise.name, 1, "", red_flags=False,
                        action=PainAction.END_EXERCISE)  # fmt: skip
    history.record_pain(session, report)
    summary = SessionSummary(workout.id, workout.title, workout.unit, sets=(record,),
                             pain=(report,), ending=Ending.FINISHED)  # fmt: skip
    history.finish_session(session, summary)
    history.close()


def test_the_wiring_reads_each_workouts_last_session() -> None:
    assert wiring().last_sessions() == {}  # no history file: nothing, and none is made
    assert not paths.history_db().exists()
    pain_ended_hip_thrust()
    last = wiring().last_sessions()
    assert list(last) == ["hip-thrust"]
    assert last["hip-thrust"].ending == "pain ended Barbell hip thrust"
    assert last["hip-thrust"].started.date() == datetime.now().astimezone().date()


async def test_the_picker_shows_the_last_session_under_its_workout() -> None:
    pain_ended_hip_thrust()
    wired = wiring()
    app = CompanionApp(
        load_library().workouts,
        open_session=wired.open_session,
        open_listener=keys_only,
        last_sessions=wired.last_sessions,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        shown = {
            str(options.get_option_at_index(i).id): plain(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
        }
    day = f"{datetime.now().astimezone():%Y-%m-%d}"
    assert shown["hip-thrust"].endswith(f"\n  last: {day} · pain ended Barbell hip thrust")
    assert "last:" not in shown["hinge-back"]  # never done


async def test_without_history_the_picker_shows_no_last_session() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        count = options.option_count
        prompts = [plain(options.get_option_at_index(i).prompt) for i in range(count)]
    assert prompts and not any("last:" in prompt for prompt in prompts)


def test_a_last_session_line_names_the_day_and_the_ending() -> None:
    last = LastSession(datetime(2025, 3, 4, 18, 30), "finished")
    assert last.line() == "last: 2025-03-04 · finished"


def test_a_long_last_session_line_wraps_under_its_own_start() -> None:
    workout = next(w for w in load_library().workouts if w.id == "hip-thrust")
    ending = "pain ended Barbell hip thrust, then warning signs: see a physical therapist"
    screen = PickerScreen([workout], [], {"hip-thrust": LastSession(datetime(2026, 12, 1), ending)})
    lines = plain(screen._label(workout), width=50).splitlines()
    assert lines[0].startswith("Barbell hip thrust") and len(lines) >= 4
    assert all(line.startswith("  ") and not line.startswith("   ") for line in lines[1:])
