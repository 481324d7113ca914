"""With voice commands off (--no-listen), nothing said or shown asks the person to "say" a command:
every prompt names its key; with them on, the words (issue 26)."""

from __future__ import annotations

import re

import pytest
from sample_workouts import RDL, THRUST, cmd, feed, of, said, straight

from companion.domain import script
from companion.domain.effects import Effect, Show, StepKind
from companion.domain.events import Command, Start, Tick, VoiceOff
from companion.domain.session import Session
from companion.domain.workout import Workout
from companion.library import load_library

SAY = re.compile(r"\bsay\b", re.IGNORECASE)


def texts(effects: list[Effect]) -> list[str]:
    """Every text said or shown."""
    shown = [t for e in of(Show, effects) for t in (e.view.instruction, e.view.detail)]
    return said(effects) + shown


def every_prompt(workout: Workout, listening: bool) -> list[str]:
    """What a session says and shows through every prompt it has: the briefing, a pause, the stop
    question, a load change in a set, "how many reps?", a pain report with its questions."""
    session = Session(workout, listening=listening)
    out = feed(session, Start(0.0))
    out += feed(session, cmd(Command.PAUSE, 1.0), cmd(Command.RESUME, 2.0))
    out += feed(session, cmd(Command.STOP, 3.0), cmd(Command.NO, 4.0))
    while session.step.kind is not StepKind.SET:
        out += feed(session, cmd(Command.NEXT, 5.0))
    out += feed(session, cmd(Command.HEAVIER, 6.0), cmd(Command.NEXT, 7.0))  # plates changed
    out += feed(session, cmd(Command.NEXT, 8.0))  # a set the person paces: "how many reps?"
    out += feed(session, Tick(9.0), cmd(Command.PAIN, 10.0), cmd(Command.NO, 11.0))
    return texts(out)


def test_with_voice_off_no_prompt_says_say() -> None:
    prompts = every_prompt(straight(THRUST), listening=False)
    asked = [p for p in prompts if p]
    for text in asked:
        assert not SAY.search(text), text
        assert "say pain" not in text.lower() and "say next" not in text.lower()
    briefing = asked[0]
    assert "If anything hurts, press h, and we stop at once." in briefing
    assert "Press space when you are ready." in briefing
    assert script.KEYS.paused in asked and script.KEYS.stop_question in asked
    assert "Heavier: 100 pounds. Press space when the plates are changed." in asked
    assert script.reps_question(10, script.KEYS) in asked
    assert any(t.endswith("Press y or n.") for t in asked)  # the warning signs
    assert any("press l to carry on" in t and "press s to skip" in t for t in asked)


def test_with_voice_on_the_prompts_say_the_words() -> None:
    prompts = every_prompt(straight(THRUST), listening=True)
    briefing = prompts[0]
    assert "If anything hurts, say pain, and we stop at once." in briefing
    assert "Say next when you are ready." in briefing
    assert script.PAUSED in prompts and script.STOP_QUESTION in prompts
    assert "Heavier: 100 pounds. Say next when the plates are changed." in prompts
    assert script.reps_question(10) in prompts
    assert any("say lighter to carry on" in t for t in prompts)


def test_with_voice_off_the_hurt_question_names_keys() -> None:
    # Only an emergency word asks it, so only by voice; its key wording is there all the same.
    session = Session(straight(RDL), listening=False)
    feed(session, Start(0.0))
    effects = feed(session, cmd(Command.HALT, 1.0, "stop"), cmd(Command.NO, 2.0))
    assert said(effects)[-2:] == [script.KEYS.hurt_question, script.KEYS.not_hurt]
    assert not any(SAY.search(t) for t in texts(effects))


@pytest.mark.parametrize("stem", ["hip-thrust", "hinge-back", "runner-posterior-chain"])
def test_with_voice_off_nothing_a_shipped_workout_can_say_says_say(stem: str) -> None:
    workout = load_library().get(stem)
    for text in script.speakable_phrases(workout, script.KEYS):
        assert not SAY.search(text), text
    steps = Session(workout, listening=False).plan
    for text in (t for step in steps for t in (step.text, step.detail)):
        assert not SAY.search(text), text


def test_voice_turning_off_mid_session_says_so_and_asks_for_keys_from_then_on() -> None:
    # No microphone, or no speech model: found only once the listener tried, after the start.
    session = Session(straight(THRUST), listening=True)
    feed(session, Start(0.0))
    effects = feed(session, VoiceOff(1.0))
    assert said(effects) == [script.VOICE_OFF]
    assert [e.view.instruction for e in of(Show, effects)] == [
        script.briefing(session.workout, script.KEYS)
    ]
    assert said(feed(session, cmd(Command.PAUSE, 2.0))) == [script.KEYS.paused]
    assert feed(session, VoiceOff(3.0)) == []  # once


def test_voice_off_before_the_start_only_changes_the_words_to_come() -> None:
    session = Session(straight(THRUST), listening=True)
    assert feed(session, VoiceOff(0.0)) == []
    briefing = said(feed(session, Start(1.0)))[0]
    assert "press h" in briefing and not SAY.search(briefing)


def test_voice_turning_off_during_a_question_asks_it_again_with_its_keys() -> None:
    session = Session(straight(RDL), listening=True)
    feed(session, Start(0.0), cmd(Command.PAIN, 1.0))  # "Do you have …? Say yes or no."
    effects = feed(session, VoiceOff(2.0))
    assert said(effects)[0] == script.VOICE_OFF
    assert said(effects)[-1].endswith("Press y or n.")
    assert of(Show, effects)[-1].view.instruction.endswith("Press y or n.")
