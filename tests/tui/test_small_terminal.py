"""At 60×20 nothing that matters is cut: every key the footer offers, the reps-load-tempo row,
where the session is; a note longer than its box scrolls, and the box's edge says so."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from companion.domain.effects import StepKind
from companion.library import load_library
from companion.tui.session_screen import SessionScreen

from .appkit import make_app, press_next_until
from .test_details import fits

WORKOUTS = [w.id for w in load_library().workouts]


def shown_whole_or_scrolls_visibly(screen: SessionScreen) -> bool:
    """The instruction box shows its whole text, or scrolls with its scrollbar and a hint."""
    box = screen.query_one("#instruction-box", VerticalScroll)
    if box.max_scroll_y == 0:
        return True
    return box.show_vertical_scrollbar and "more below" in str(box.border_subtitle)


def footer_whole(screen: SessionScreen) -> bool:
    width, height = screen.app.size
    footer = screen.query_one(Footer)
    keys = list(screen.query(FooterKey))
    return (
        footer.region.bottom == height
        and bool(keys)
        and all(key.region.right <= width and key.region.width > 0 for key in keys)
    )


@pytest.mark.parametrize("workout", WORKOUTS)
async def test_at_60x20_nothing_that_matters_is_cut(workout: str) -> None:
    app = make_app(start=workout)
    async with app.run_test(size=(60, 20)) as pilot:  # with two banner lines: speech, mic off
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert shown_whole_or_scrolls_visibly(screen) and footer_whole(screen)
        await press_next_until(pilot, StepKind.SET)
        await pilot.pause()
        for name in ("where", "target"):
            assert fits(screen.query_one(f"#{name}", Static)), name
        assert screen.view is not None  # the tempo (none for an unpaced set) is on the row
        assert screen.view.tempo in str(screen.query_one("#target").render())
        assert shown_whole_or_scrolls_visibly(screen) and footer_whole(screen)
        await pilot.press("p")  # the tempo line says PAUSED, above the log
        await pilot.pause()
        tempo = screen.query_one("#tempo")
        assert tempo.region.height == 1 and tempo.region.bottom <= screen.query_one("#log").region.y
        await pilot.press("c", "h")  # a pain question offers the most keys
        await pilot.pause()
        assert footer_whole(screen)


async def test_a_long_briefing_scrolls_with_the_keys_and_says_so() -> None:
    app = make_app(start="hinge-back")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#instruction-box", VerticalScroll)
        assert box.max_scroll_y > 0 and box.scroll_y == 0
        assert box.border_subtitle == "more below: ↓ key"
        for _ in range(10):
            await pilot.press("pagedown")
        assert box.scroll_y == box.max_scroll_y
        assert box.border_subtitle == "back to the top: ↑ key"
        await pilot.press("space")  # the next step's text starts at its top
        await pilot.pause()
        assert box.scroll_y == 0


async def test_at_80x24_with_three_banner_lines_the_longest_briefing_fits_or_scrolls() -> None:
    app = make_app(start="hinge-back", history_off="history is off: a test without history")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        banner = str(screen.query_one("#banner").render())
        assert len(banner.splitlines()) == 3
        assert shown_whole_or_scrolls_visibly(screen) and footer_whole(screen)
