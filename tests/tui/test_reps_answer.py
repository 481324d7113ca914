"""After a set the person paced, "how many reps?" is answered on the digit keys or by a spoken
number, and a few seconds of no answer keep the target (issue 26)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import RichLog, Static

from companion import paths
from companion.domain.effects import Outcome, StepKind
from companion.domain.events import Command
from companion.speech_in.port import Heard
from companion.storage.history import History
from companion.tui.messages import CommandHeard
from companion.tui.session_screen import SessionScreen
from companion.tui.summary import SummaryScreen

from .appkit import MovedClock, make_app, press_next_until
from .test_by_keys import footer_actions
from .test_chime import Chimes

TARGET = 10  # the single-leg glute bridge: 8 to 10 reps, paced by the person


async def ask_reps(pilot: Pilot[None]) -> SessionScreen:
    """Runs the runner circuit to its first set (the person paces it) and ends it with next."""
    screen = await press_next_until(pilot, StepKind.SET)
    assert screen.view is not None and not screen.view.tempo  # not counted by the companion
    assert screen.view.reps_question is None
    await pilot.press("9")  # no question yet: a digit is no key
    await pilot.press("space")
    assert screen.view.reps_question is not None and screen.view.reps_question.reps == TARGET
    return screen


def line(screen: SessionScreen) -> str:
    answer = screen.query_one("#reps-answer", Static)
    return str(answer.render()) if answer.display else ""


def recorded(screen: SessionScreen) -> list[tuple[Outcome, int | None]]:
    return [(r.outcome, r.reps_done) for r in screen.runner.session.records]


def logged(screen: SessionScreen) -> list[str]:
    return [strip.text for strip in screen.query_one("#log", RichLog).lines]


async def test_typing_9_then_enter_records_9_reps() -> None:
    app = make_app(start="runner-posterior-chain", clock=MovedClock(1000.0))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_reps(pilot)
        assert line(screen) == f"reps: type the number, then Enter · no answer keeps {TARGET}"
        await pilot.pause()
        assert "digit('0')" in footer_actions(screen)  # shown as "0-9 Reps", for all ten
        assert "give_reps" not in footer_actions(screen)  # nothing typed: Enter gives nothing
        await pilot.press("0")  # nobody did 0 reps of a set they ended with next
        assert line(screen).startswith("reps: type the number")
        await pilot.press("1", "backspace", "9")
        assert line(screen) == "reps: 9_ · Enter records it · Backspace corrects"
        await pilot.pause()
        assert "give_reps" in footer_actions(screen)
        await pilot.press("enter")
        assert recorded(screen) == [(Outcome.DONE, 9)]
        assert "9 reps." in logged(screen)
        await pilot.press("x", "y")  # stop the workout: the summary and history say 9
        assert isinstance(app.screen, SummaryScreen)
        assert [(s.outcome, s.reps_done) for s in app.screen.summary.sets[:1]] == [
            (Outcome.DONE, 9)
        ]
    history = History.open(paths.history_db())
    (row,) = history.sessions()
    assert [(s.outcome, s.reps_done) for s in history.session_sets(row.id)[:1]] == [
        (Outcome.DONE, 9)
    ]


async def test_no_answer_keeps_the_target_and_says_so() -> None:
    clock = MovedClock(1000.0)
    app = make_app(start="runner-posterior-chain", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_reps(pilot)
        question = screen.view.reps_question if screen.view is not None else None
        assert question is not None
        await pilot.press("8")  # typed, never given
        clock.now = question.until + 0.1
        await pilot.pause(0.2)  # a tick or more
        assert line(screen) == ""
        assert f"No answer: {TARGET} reps kept." in logged(screen)
        assert "digit('0')" not in footer_actions(screen)
        await pilot.press("7", "enter")  # too late: no key takes it
        assert recorded(screen) == [(Outcome.DONE, TARGET)]


async def test_a_spoken_number_answers_while_asked_and_is_nothing_otherwise() -> None:
    app = make_app(start="runner-posterior-chain", clock=MovedClock(1000.0))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.SET)
        step = screen.view.step_index if screen.view is not None else -1
        screen.post_message(CommandHeard(Heard(None, "twelve", 0.0, number=12)))  # an echoed count
        await pilot.pause()
        assert screen.view is not None and screen.view.step_index == step
        assert recorded(screen) == []
        assert "heard: twelve" not in logged(screen)
        await pilot.press("space")  # the set ends: the question is asked
        screen.post_message(CommandHeard(Heard(None, "twelve", 0.0, number=12)))
        await pilot.pause()
        assert recorded(screen) == [(Outcome.DONE, 12)]
        assert "heard: twelve" in logged(screen)
        # A command heard meanwhile is still a command.
        screen.post_message(CommandHeard(Heard(Command.PAUSE, "pause", 0.0)))
        await pilot.pause()
        assert screen.view.paused


async def test_a_number_heard_after_the_time_to_answer_is_not_taken_nor_chimed() -> None:
    # The clock passed the question's end between two ticks: the screen still shows it open.
    clock = MovedClock(1000.0)
    speech = Chimes()
    app = make_app(start="runner-posterior-chain", clock=clock, speech=lambda: speech)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_reps(pilot)
        assert screen.view is not None and screen.view.reps_question is not None
        clock.now = screen.view.reps_question.until + 0.5
        screen.post_message(CommandHeard(Heard(None, "seven", 0.0, number=7)))
        await pilot.pause()
        assert recorded(screen) == [(Outcome.DONE, TARGET)]
        assert speech.played == []
