"""Pain with warning signs, then the next session of a workout training the same area: it asks
whether a professional has cleared the person before anything else, with keys, on the real app
and real history (issue 26, "After a red flag")."""

from __future__ import annotations

from textual.widgets import Static

from companion import paths
from companion.domain.effects import Clearance, Ending, StepKind
from companion.domain.events import Command
from companion.domain.workout import Area
from companion.storage.history import History
from companion.tui.session_screen import SessionScreen
from companion.tui.summary import SummaryScreen

from .appkit import make_app, press_next_until

ASKED = "Earlier today you reported warning signs during the barbell hip thrust."


async def warning_signs_in_a_hip_thrust() -> float:
    """Pain, then yes to the warning signs; when history holds the report."""
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await press_next_until(pilot, StepKind.SET)
        await pilot.press("h", "y")
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.ending is Ending.PAIN_RED_FLAGS
    history = History.open(paths.history_db())
    (report,) = history.red_flags_on_record()
    history.close()
    return report.reported_at


def shown(screen: SessionScreen) -> StepKind:
    """What the screen shows now (read afresh after each key)."""
    assert screen.view is not None
    return screen.view.kind


def stored() -> tuple[list[Clearance], list[str]]:
    """The answers history holds, and its sessions' workouts."""
    history = History.open(paths.history_db())
    try:
        return history.clearances(), [s.summary.workout_id for s in history.sessions()]
    finally:
        history.close()


async def test_the_next_session_of_the_same_area_asks_and_yes_goes_on() -> None:
    red_flag_at = await warning_signs_in_a_hip_thrust()
    app = make_app(start="hinge-back")  # another workout: the same area, the lower back
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert screen.view.kind is StepKind.QUESTION and screen.view.instruction.startswith(ASKED)
        assert "physical therapist or doctor cleared you" in screen.view.instruction
        assert Command.NEXT not in screen.view.allowed and Command.PAIN in screen.view.allowed
        assert not screen.check_action("command", ("next",))  # the footer offers no next key
        await pilot.press("space")  # does not start the session
        assert shown(screen) is StepKind.QUESTION
        await pilot.press("y")
        assert shown(screen) is StepKind.BRIEFING
    assert stored() == (
        [Clearance(Area.LOWER_BACK_AND_LEGS, red_flag_at, cleared=True)],
        ["hip-thrust"],  # answered and quit: no session of its own
    )
    again = make_app(start="hip-thrust")
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert screen.view.kind is StepKind.BRIEFING  # cleared: not asked again


async def test_no_ends_the_session_before_it_begins_and_is_asked_again() -> None:
    red_flag_at = await warning_signs_in_a_hip_thrust()
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.summary.ending is Ending.NOT_CLEARED and app.screen.summary.sets == ()
        shown = [str(s.render()) for s in app.screen.query(Static)]
        assert "Ended early: not cleared by a physical therapist or doctor" in shown[1]
        assert "Next time" not in shown
    assert stored() == (
        [Clearance(Area.LOWER_BACK_AND_LEGS, red_flag_at, cleared=False)],
        ["hip-thrust"],  # nothing recorded as a workout
    )
    again = make_app(start="hip-thrust")
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert screen.view.instruction.startswith(ASKED)
