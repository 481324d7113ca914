"""The keys the session names with voice commands off ("press h") are the session screen's
keys for those commands (issue 26)."""

from __future__ import annotations

from textual.binding import Binding

from companion.domain import script
from companion.tui.session_screen import SessionScreen


def test_every_key_the_script_names_is_bound_to_its_command() -> None:
    bound = {b.action: b.key for b in SessionScreen.BINDINGS if isinstance(b, Binding)}
    for command, key in script.KEY_OF.items():
        assert bound[f"command('{command.value}')"] == key, command
