"""Speech keeps up with the screen (issue 24): moving on cuts what the step still had to say.

Pressing next ten times quickly left the audio ~35 s behind, playing the stale briefing and
warm-ups while the screen showed a set. Speech out drops every clip of a cancelled group, queued
or playing, so what may still sound is what was said after the last cancel of its group.
"""

from __future__ import annotations

from sample_workouts import RDL, THRUST, cmd, straight

from companion.domain.effects import CancelSpeech, Effect, Speak
from companion.domain.events import Command, Start, Tick
from companion.domain.session import Session


def still_to_say(effects: list[Effect]) -> list[str]:
    """The texts speech out would still play: those no later cancel of their group dropped."""
    alive: list[Speak] = []
    for effect in effects:
        if isinstance(effect, Speak):
            alive.append(effect)
        elif isinstance(effect, CancelSpeech):
            alive = [s for s in alive if effect.group is not None and s.group != effect.group]
    return [s.text for s in alive]


def test_pressing_next_ten_times_leaves_only_the_step_shown() -> None:
    session = Session(straight(THRUST, RDL))
    effects = session.handle(Start(0.0))
    for press in range(10):
        effects += session.handle(cmd(Command.NEXT, 0.1 * (press + 1)))
        if session.finished:
            break
    current = f"step-{session.index}"
    left = [e for e in effects if isinstance(e, Speak) and e.text in still_to_say(effects)]
    assert left, "the step shown has its words"
    assert {s.group for s in left} <= {current, "session"}


def test_a_rest_that_ends_by_itself_keeps_its_go() -> None:
    """The last call of a rest is said as it ends: the step's own end must not cut it."""
    session = Session(straight(THRUST, RDL))
    session.handle(Start(0.0))
    while session.step.kind.value != "rest":
        session.handle(cmd(Command.NEXT, 1.0))
    rest = f"step-{session.index}"
    ended = session.handle(Tick(1.0 + session.step.seconds))
    assert session.step.kind.value != "rest"
    assert CancelSpeech(rest) not in ended


def test_repeat_is_not_said_over_the_counts_but_is_once_they_end() -> None:
    """Said while the companion counts, the instruction would be cut by the next count, a
    second away: repeat waits until the counting has ended."""
    session = Session(straight(RDL, THRUST))
    session.handle(Start(0.0))
    while session.step.kind.value != "set":
        session.handle(cmd(Command.NEXT, 1.0))
    session.handle(Tick(6.0))  # counting
    assert Command.REPEAT not in session.allowed
    assert not [e for e in session.handle(cmd(Command.REPEAT, 6.5)) if isinstance(e, Speak)]
    session.handle(Tick(6.5 + 60.0))  # every count said, the set over
    assert session.step.kind.value != "set"
    assert Command.REPEAT in session.allowed
