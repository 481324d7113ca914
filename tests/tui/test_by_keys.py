"""Pilot runs the shipped workouts from start to finish by keys alone, at 80×24."""

from __future__ import annotations

import sqlite3

import pytest
from textual.pilot import Pilot
from textual.widgets import Digits, Static
from textual.widgets._footer import FooterKey

from companion import paths
from companion.domain.effects import Ending, Outcome, StepKind
from companion.domain.events import Command
from companion.library import load_library
from companion.speech_in.port import (
    HeardListener,
    ListenState,
    ListenStatus,
    ListenStatusListener,
)
from companion.speech_out.port import SpeechStatus
from companion.storage.history import History
from companion.tui.messages import SpeechChanged
from companion.tui.session_screen import SessionScreen
from companion.tui.summary import SummaryScreen

from .appkit import make_app, press_next_until

MAX_PRESSES = 400


@pytest.mark.parametrize("workout_id", ["runner-posterior-chain", "hip-thrust", "hinge-back"])
async def test_whole_workout_by_keys(workout_id: str) -> None:
    workout = load_library().get(workout_id)
    now = [1000.0]
    app = make_app(start=workout_id, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SessionScreen)
        presses = 0
        while not isinstance(app.screen, SummaryScreen):
            assert presses < MAX_PRESSES, "the session never reached its summary"
            await let_a_paced_set_count_itself_out(pilot, now)
            await pilot.press("space")
            presses += 1
        summary = app.screen.summary
        assert summary.ending is Ending.FINISHED
        assert len(summary.sets) == workout.total_sets
        assert all(s.outcome is Outcome.DONE for s in summary.sets)
    history = History.open(paths.history_db())
    (row,) = history.sessions()
    assert row.summary.workout_id == workout_id
    assert row.summary.sets_done == workout.total_sets
    assert row.ended_at is not None


async def let_a_paced_set_count_itself_out(pilot: Pilot[None], now: list[float]) -> None:
    """A paced set is done when its last rep is counted: ended at once with next it would be on
    record as skipped (issue 26). Its time passes on the test's clock instead."""
    screen = pilot.app.screen
    while (
        isinstance(screen, SessionScreen)
        and screen.view is not None
        and screen.view.kind is StepKind.SET
        and screen.view.tempo
    ):
        now[0] += 60
        await pilot.pause(0.1)
        screen = pilot.app.screen


async def test_picker_starts_the_chosen_workout() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.runner.workout.id == load_library().workouts[1].id


async def test_skip_pause_and_stop_by_keys() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await pilot.press("p")
        assert screen.view is not None and screen.view.paused
        await pilot.press("space")  # ignored while paused
        assert screen.view.step_index == 0
        await pilot.press("c", "s")  # resume, then skip the briefing
        assert screen.view.step_index == 1
        await pilot.press("x")
        assert screen.view.options == ("yes", "no")
        await pilot.press("y")
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.ending.early


def footer_actions(screen: SessionScreen) -> set[str]:
    return {key.action for key in screen.query(FooterKey)}


async def test_pause_offers_only_what_works_and_resume_clears_it() -> None:
    app = make_app(start="runner-posterior-chain")  # its first set is unpaced
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.SET)
        tempo = screen.query_one("#tempo", Static)
        assert "command('next')" in footer_actions(screen)
        await pilot.press("p")
        await pilot.pause()
        assert str(tempo.render()) == "PAUSED"
        # The session ignores next, skip and form while paused; the footer must not offer them.
        offered = footer_actions(screen)
        assert "command('resume')" in offered and "command('stop')" in offered
        assert not offered & {"command('next')", "command('skip')", "command('form')"}
        await pilot.press("c")
        await pilot.pause()
        assert str(tempo.render()) == ""
        assert "command('next')" in footer_actions(screen)


async def test_a_question_offers_only_what_answers_it() -> None:
    """The footer is the session's own list of what it takes now (`StepView.allowed`)."""
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.SET)
        await pilot.press("x")
        await pilot.pause()
        # Stop again means nothing while stop is asked; pain is still heard.
        assert footer_actions(screen) == {
            "command('yes')", "command('no')", "command('repeat')", "command('pain')"
        }  # fmt: skip
        await pilot.press("n", "h")
        await pilot.pause()
        # A second pain report means nothing while one is handled; stop is still heard.
        assert footer_actions(screen) == {
            "command('yes')", "command('no')", "command('repeat')", "command('stop')"
        }  # fmt: skip


async def test_a_paused_rest_shows_its_countdown_frozen_until_resumed() -> None:
    now = [100.0]
    app = make_app(start="hip-thrust", clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.REST)
        rest = screen.query_one("#rest")
        seconds = screen.query_one("#rest-seconds", Digits)
        assert rest.has_class("shown")
        total = load_library().get("hip-thrust").exercises[0].rest_seconds  # after its set 1
        now[0] += 30
        await pilot.pause(0.3)  # a tick or two
        assert seconds.value.strip() == str(total - 30)
        await pilot.press("p")
        now[0] += 20  # paused: the countdown does not move, and stays on screen
        await pilot.pause(0.3)
        assert rest.has_class("shown") and seconds.value.strip() == str(total - 30)
        await pilot.press("c")
        now[0] += 5
        await pilot.pause(0.3)
        assert rest.has_class("shown") and seconds.value.strip() == str(total - 35)


class BrokenVosk:
    """A listener whose engine is chosen but could not start (as with a damaged model)."""

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        on_status(self.status())

    def status(self) -> ListenStatus:
        return ListenStatus(
            ListenState.OFF, detail="voice commands off: not a Vosk model", engine="vosk"
        )

    def listen_for(self, commands: frozenset[Command]) -> None:
        pass

    def close(self) -> None:
        pass


async def test_the_status_line_says_mic_off_when_the_engine_could_not_start() -> None:
    app = make_app(start="hip-thrust", open_listener=BrokenVosk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = str(app.screen.query_one("#status", Static).render())
        assert status == "speech off · mic off · history on"


async def test_a_phrase_that_could_not_be_said_is_shown_while_speech_goes_on() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        detail = "speech on (default voice), but espeak-ng gave no usable audio for ','"
        app.screen.post_message(SpeechChanged(SpeechStatus(on=True, detail=detail, unsaid=",")))
        await pilot.pause()
        status = str(app.screen.query_one("#status", Static).render())
        assert status.startswith("speech on ·")
        banner = str(app.screen.query_one("#banner", Static).render())
        assert "no usable audio for ','" in banner


async def test_a_locked_history_file_shows_as_waiting_while_the_session_goes_on() -> None:
    now = [1000.0]
    app = make_app(start="hip-thrust", clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        other = sqlite3.connect(paths.history_db(), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program is writing
        try:
            await press_next_until(pilot, StepKind.SET)
            # A set done (not skipped) makes the session history, which must then wait.
            await let_a_paced_set_count_itself_out(pilot, now)
            screen = await press_next_until(pilot, StepKind.REST)
            await pilot.pause()
            status = str(screen.query_one("#status", Static).render())
            assert status.endswith("· history waiting")
            banner = str(screen.query_one("#banner", Static).render())
            assert "History is waiting:" in banner
        finally:
            other.execute("ROLLBACK")
            other.close()
