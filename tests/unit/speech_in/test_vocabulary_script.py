"""The English vocabulary's `not_commands` are the words the companion's script says: every
single-word call it makes (tempo calls, rest calls, counts up to ten) is there, so an engine hears
an echoed call as what it is, and nothing else is, since each entry is also a new way for Vosk to
misread a command."""

from __future__ import annotations

from companion.domain import script
from companion.library.schema import MAX_PHASE_S
from companion.speech_in.vocabulary import load_vocabulary

# Longer counted phases are rare; counts past ten stay out to keep the list short.
COUNTED_TO = 10
LONGEST_REST_S = 600


def said_calls() -> set[str]:
    """Every single word the script says on its own: tempo calls, rest calls and counts."""
    calls = {script.GO, script.HOLD, script.UP, script.DOWN}
    calls.update(script.count_word(n) for n in range(1, MAX_PHASE_S + 1))
    for seconds in range(1, LONGEST_REST_S + 1):
        calls.update(words for _, words in script.rest_calls(seconds))
    return {c for c in calls if len(c.split()) == 1}


def test_every_not_command_is_something_the_companion_says() -> None:
    not_commands = set(load_vocabulary("en").not_commands)
    assert not_commands <= said_calls(), not_commands - said_calls()


def test_every_call_and_short_count_the_companion_says_is_a_not_command() -> None:
    not_commands = set(load_vocabulary("en").not_commands)
    counts = {script.count_word(n) for n in range(1, COUNTED_TO + 1)}
    calls = {c for c in said_calls() if c not in {script.count_word(n) for n in range(1, 1000)}}
    assert counts | calls <= not_commands, (counts | calls) - not_commands
