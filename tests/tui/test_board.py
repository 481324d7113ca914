"""The board: while a counted set or a rest runs, its numbers are shown large enough to read from
a bench two metres away, in place of the instruction's words."""

from __future__ import annotations

from textual.widgets import Digits, Static

from companion.domain.effects import StepKind

from .appkit import MovedClock, make_app, press_next_until

START = 1000.0


async def test_a_counted_set_shows_the_rep_large_and_gives_the_box_back_to_a_question() -> None:
    clock = MovedClock(START)
    app = make_app(start="hip-thrust", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.SET)
        board, box = screen.query_one("#board"), screen.query_one("#instruction-box")
        assert box.display and not board.display  # the set's introduction is read first
        clock.now = START + 25.5  # rep 3 is being lowered (see test_snapshots)
        await pilot.pause(0.3)
        assert board.display and not box.display
        assert screen.query_one("#rep-number", Digits).value == "3"
        assert str(screen.query_one("#rep-of", Static).render()).strip() == "of 12"
        assert str(screen.query_one("#phase", Static).render()) == "LOWER 1"
        assert str(screen.query_one("#board-title", Static).render()) == "Set 1 of 3"
        await pilot.press("p")  # paused: the board stays, its edge says so
        assert board.display and board.has_class("paused")
        await pilot.press("c", "h")  # pain: the question takes the box
        assert box.display and not board.display and box.has_class("question")


async def test_a_rest_shows_its_countdown_on_the_board_with_what_comes_next() -> None:
    clock = MovedClock(START)
    app = make_app(start="hip-thrust", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.REST)
        board = screen.query_one("#board")
        assert board.display and not screen.query_one("#instruction-box").display
        assert screen.query_one("#rest").has_class("shown")
        assert not screen.query_one("#rep").display
        title = str(screen.query_one("#board-title", Static).render())
        assert title == "Rest · next: Barbell hip thrust, set 2 of 3"
        clock.now = START + 25
        await pilot.pause(0.3)
        assert screen.query_one("#rest-seconds", Digits).value == "65"
        await pilot.press("space")  # the rest is over: the next set's introduction
        assert screen.query_one("#instruction-box").display and not board.display


async def test_a_timed_warmup_counts_down_on_the_board_and_moves_on_by_itself() -> None:
    """The hip thrust's minute of stretches: its words over the seconds left, frozen by pause,
    and the next warm-up item when the minute is up, with no key pressed (issue 26)."""
    clock = MovedClock(START)
    app = make_app(start="hip-thrust", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await press_next_until(pilot, StepKind.WARMUP)
        board = screen.query_one("#board")
        assert board.display and not screen.query_one("#instruction-box").display
        assert screen.query_one("#rest").has_class("shown") and not screen.query_one("#rep").display
        title = str(screen.query_one("#board-title", Static).render())
        assert title.startswith("Warm-up: Dynamic hip moves. Loosen the hips")
        digits = screen.query_one("#rest-seconds", Digits)
        assert digits.value == "60"
        clock.now = START + 20
        await pilot.pause(0.3)
        assert digits.value == "40"
        await pilot.press("p")  # paused: the countdown stays, frozen
        clock.now = START + 50
        await pilot.pause(0.3)
        assert board.display and board.has_class("paused") and digits.value == "40"
        await pilot.press("c")
        clock.now = START + 89
        await pilot.pause(0.3)
        assert digits.value == "1"
        clock.now = START + 90
        await pilot.pause(0.3)
        assert screen.view is not None and screen.view.kind is StepKind.WARMUP
        assert screen.view.instruction.startswith("Warm-up: Light hip thrusts, empty bar.")
        assert screen.query_one("#instruction-box").display and not board.display
