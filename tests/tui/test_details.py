"""A step's notes (the safety rules and which numbers are our choice at the briefing, a setup
check's fix, where a tempo comes from) are shown whole, not cut off at the end of a row."""

from __future__ import annotations

import pytest
from textual.containers import ScrollableContainer
from textual.widgets import RichLog, Static

from companion import paths
from companion.domain.effects import Ending, StepKind
from companion.library import load_library
from companion.tui.session_screen import SessionScreen

from .appkit import make_app, press_next_until


def fits(widget: Static) -> bool:
    """Whether the widget's whole content, wrapped to its width, fits its height, and shows
    without scrolling the box it is in."""
    region = widget.content_region
    needed = widget.get_content_height(region.size, widget.app.size, region.width)
    scrolled = any(
        box.max_scroll_y > 0 for box in widget.ancestors if isinstance(box, ScrollableContainer)
    )
    return needed <= region.height and not scrolled


@pytest.mark.parametrize("workout", [w.id for w in load_library().workouts])
async def test_the_briefing_notes_are_shown_whole(workout: str) -> None:
    app = make_app(start=workout)
    async with app.run_test(size=(80, 24)) as pilot:  # with two banner lines: speech, mic off
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.view is not None
        assert screen.view.kind is StepKind.BRIEFING and screen.view.detail
        shown = [screen.query_one(f"#{name}", Static) for name in ("target", "instruction")]
        holding = [w for w in shown if screen.view.detail in str(w.render())]
        assert holding and all(fits(w) for w in holding)


async def test_a_tempo_note_is_shown_whole_with_the_technique() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.SETUP)
        while screen.view is not None and not screen.view.instruction.startswith("How the"):
            await pilot.press("space")
        assert screen.view is not None and "our choice" in screen.view.detail
        instruction = screen.query_one("#instruction", Static)
        assert screen.view.detail in str(instruction.render()) and fits(instruction)


async def test_a_question_keeps_the_box_to_itself() -> None:
    app = make_app(start="hinge-back")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await press_next_until(pilot, StepKind.SET)
        assert screen.view is not None and screen.view.detail  # when to end the set
        await pilot.press("h")  # pain: a question
        assert screen.view.kind is StepKind.QUESTION and screen.view.detail
        assert screen.view.detail not in str(screen.query_one("#instruction", Static).render())


async def test_what_was_said_is_wrapped_within_the_log_box() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await press_next_until(pilot, StepKind.SET)  # the long technique step is said on the way
        log = app.screen.query_one("#log", RichLog)
        assert len(log.lines) > log.scrollable_content_region.height  # it scrolls
        widest = max(line.cell_length for line in log.lines)
        assert widest <= log.scrollable_content_region.width


async def test_a_long_exercise_name_does_not_hide_the_step_number() -> None:
    name = "Barbell hip thrust with a pause at the top and a band around the knees"
    text = (paths.bundled_workouts_dir() / "hip-thrust.toml").read_text(encoding="utf-8")
    old = 'name = "Barbell hip thrust"'
    assert old in text
    directory = paths.user_workouts_dir()
    directory.mkdir(parents=True)
    (directory / "hip-thrust.toml").write_text(text.replace(old, f'name = "{name}"', 1))
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.SET)
        where = screen.query_one("#where", Static)
        assert str(where.render()).startswith(f"{name} · set 1 of 3 · step ")
        assert fits(where)


async def test_a_long_summary_headline_is_shown_whole() -> None:
    from companion.domain.effects import Outcome, SessionSummary, SetRecord
    from companion.domain.workout import Unit
    from companion.tui.summary import SummaryScreen

    def pained(number: int) -> SetRecord:
        return SetRecord("b", "Bridge", number, 3, "", 0, (8, 12), None, None, Unit.LB,
                         Outcome.PAIN)  # fmt: skip

    title = "Posterior chain circuit for runners, the long version"
    sets = tuple(pained(n) for n in (1, 2, 3))
    summary = SessionSummary("x", title, Unit.LB, sets=sets, pain=(), ending=Ending.FINISHED)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(SummaryScreen(summary))
        await pilot.pause()
        headline = app.screen.query_one("#title", Static)
        assert str(headline.render()).endswith("3 stopped by pain") and fits(headline)
