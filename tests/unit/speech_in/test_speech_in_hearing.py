"""`Hearing`: which commands count while the companion speaks.

The recogniser is scripted (it "hears" a phrase once a given amount of audio has arrived), so
these tests are about the rules, not about recognition; the echo canceller is the real one, and
`tests/audio/test_barge_in.py` runs the whole path with real speech.
"""

from __future__ import annotations

import numpy as np

from companion.audio.echo import EchoCanceller, PlaybackReference
from companion.domain.events import Command
from companion.speech_in.capture import Block
from companion.speech_in.engine import SAMPLE_RATE, EngineName
from companion.speech_in.gate import SelfVoiceGate
from companion.speech_in.hearing import Hearing
from companion.speech_in.matcher import Hypothesis, Missed
from companion.speech_in.vocabulary import load_vocabulary
from companion.speech_out.port import Playback

BLOCK = 800  # 50 ms


class ScriptedRecognizer:
    """Says `phrase` (final) once `at_s` seconds of audio have been fed since the last reset."""

    def __init__(self, phrase: str, at_s: float, sure: bool = True) -> None:
        self.phrase, self.at_s, self.sure = phrase, at_s, sure
        self.fed_s = 0.0
        self.resets = 0

    def accept(self, pcm: bytes) -> Hypothesis | None:
        before = self.fed_s
        self.fed_s += len(pcm) / 2 / SAMPLE_RATE
        found = before < self.at_s <= self.fed_s
        return Hypothesis(self.phrase, True, self.sure) if found else None

    def finish(self) -> Hypothesis | None:
        return None

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        pass

    def reset(self) -> None:
        self.fed_s = 0.0
        self.resets += 1


class ScriptedEngine:
    name = EngineName.MOONSHINE
    missing: tuple[str, ...] = ()

    def __init__(self, phrase: str, at_s: float, sure: bool = True) -> None:
        self.vocabulary = load_vocabulary("en")
        self.made = ScriptedRecognizer(phrase, at_s, sure)

    def recognizer(self) -> ScriptedRecognizer:
        return self.made

    def describe(self) -> str:
        return "scripted"


def speaking(gate: SelfVoiceGate, text: str, start: float, end: float) -> None:
    gate.on_playback(Playback(text, start, None))
    gate.on_playback(Playback(text, start, end))


def run(hearing: Hearing, seconds: float, voice: float = 0.0) -> list[tuple[Command | None, float]]:
    """Feed `seconds` of microphone from time 0, quiet or with a voice of RMS `voice` in it (the
    recogniser is scripted: only the canceller listens to it); the commands and when."""
    heard = []
    rng = np.random.default_rng(0)
    for i in range(round(seconds * SAMPLE_RATE / BLOCK)):
        started = i * BLOCK / SAMPLE_RATE
        samples = (rng.standard_normal(BLOCK) * voice).astype(np.float32)
        block = Block(samples, started, started + BLOCK / SAMPLE_RATE)
        decision = hearing.feed(block)
        if decision is not None:
            heard.append((decision.command, block.ended))
    return heard


def canceller() -> EchoCanceller:
    reference = PlaybackReference()
    reference.open(SAMPLE_RATE)
    return EchoCanceller(reference, SAMPLE_RATE)


def test_with_echo_cancellation_pain_is_heard_while_the_companion_counts() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "three", 0.0, 5.0)
    hearing = Hearing(ScriptedEngine("my back hurts", 0.99), gate, SAMPLE_RATE, canceller())
    assert run(hearing, 2.0, voice=0.05) == [(Command.PAIN, 1.0)]


def test_over_its_voice_a_command_needs_another_voice_left_by_the_canceller() -> None:
    """What is left of the companion's own voice after echo cancellation can still sound like
    "pain" to a recogniser: with no other voice in the microphone, it is not taken."""
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "three", 0.0, 5.0)
    hearing = Hearing(ScriptedEngine("my back hurts", 0.99), gate, SAMPLE_RATE, canceller())
    assert run(hearing, 2.0) == []


def test_other_commands_do_not_barge_in() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "Rest for sixty seconds. Next: set two", 0.0, 5.0)
    hearing = Hearing(ScriptedEngine("next set", 1.0), gate, SAMPLE_RATE, canceller())
    assert run(hearing, 2.0, voice=0.05) == []


def test_a_command_after_the_companion_went_quiet_counts() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "Rest for sixty seconds.", 0.0, 0.5)
    hearing = Hearing(ScriptedEngine("next set", 3.99), gate, SAMPLE_RATE, canceller())
    assert run(hearing, 5.0) == [(Command.NEXT, 4.0)]


def test_the_companions_own_safety_words_do_not_command_it() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "If anything hurts, say pain, and we stop at once.", 0.0, 3.0)
    hearing = Hearing(ScriptedEngine("pain", 1.0), gate, SAMPLE_RATE, canceller())
    assert run(hearing, 2.0, voice=0.05) == []


def test_without_echo_cancellation_nothing_is_heard_while_speaking() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "three", 0.0, 1.5)
    engine = ScriptedEngine("my back hurts", 1.0)
    hearing = Hearing(engine, gate, SAMPLE_RATE)
    # Pain was "said" one second into the companion's count: not heard. Once the gate opens (1.5 s
    # plus the 0.3 s tail) the recogniser starts afresh, and hears it one second later.
    heard = run(hearing, 3.5)
    assert engine.made.resets == 1
    assert [command for command, _ in heard] == [Command.PAIN]
    assert heard[0][1] > 2.8


def test_a_command_said_just_after_the_companion_went_quiet_counts() -> None:
    """Only the person's own stretch of voice decides whether a command was said over the
    companion: "next set" right after its last word is taken, as the gate took it before."""
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "Rest for sixty seconds.", 0.0, 1.0)
    hearing = Hearing(ScriptedEngine("next set", 2.59), gate, SAMPLE_RATE, canceller())
    heard = []
    rng = np.random.default_rng(1)
    for i in range(round(3.0 * SAMPLE_RATE / BLOCK)):
        started = i * BLOCK / SAMPLE_RATE
        voice = 0.05 if 1.5 <= started < 2.3 else 0.0  # the person, after the tail
        samples = (rng.standard_normal(BLOCK) * voice).astype(np.float32)
        decision = hearing.feed(Block(samples, started, started + BLOCK / SAMPLE_RATE))
        if decision is not None:
            heard.append(decision.command)
    assert heard == [Command.NEXT]


def test_a_near_miss_over_the_companions_voice_is_dropped_even_for_pain() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "three", 0.0, 5.0)
    engine = ScriptedEngine("my back hurts", 0.99, sure=False)
    assert run(Hearing(engine, gate, SAMPLE_RATE, canceller()), 2.0, voice=0.05) == []


def test_a_near_miss_in_quiet_is_passed_on_as_one() -> None:
    gate = SelfVoiceGate(clock=lambda: 0.0)
    speaking(gate, "Rest for sixty seconds.", 0.0, 0.5)
    engine = ScriptedEngine("next set", 3.99, sure=False)
    hearing = Hearing(engine, gate, SAMPLE_RATE, canceller())
    found = []
    for i in range(round(5.0 * SAMPLE_RATE / BLOCK)):
        started = i * BLOCK / SAMPLE_RATE
        block = Block(np.zeros(BLOCK, np.float32), started, started + BLOCK / SAMPLE_RATE)
        if (decision := hearing.feed(block)) is not None:
            found.append(decision)
    assert found == [Missed(Command.NEXT, "next set")]
