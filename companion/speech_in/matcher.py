"""From recogniser results to commands: exact phrases only, decided early when it is safe.

Used by `pipeline.CommandStream`, which sits between every engine and every caller (microphone
and files alike). Engines report hypotheses; this module alone decides what counts as a command.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.domain.events import Command
from companion.speech_in.vocabulary import Vocabulary, normalise


@dataclass(frozen=True)
class Hypothesis:
    """What an engine thinks was said so far. `final` closes the utterance."""

    text: str
    final: bool
    # False: the engine found no command, but `text` is the command phrase the speech fell just
    # short of (a final result only): a near miss, reported, never acted on.
    sure: bool = True


@dataclass(frozen=True)
class Decision:
    """A command heard, or a number (`Vocabulary.numbers`), which is no command: `command` is
    None and `number` holds it."""

    command: Command | None
    heard: str
    number: int | None = None


@dataclass(frozen=True)
class Missed:
    """Speech that sounded like a try at `command` ("heard" is its phrase), too unsure to act on:
    the person is told it was not taken."""

    command: Command
    heard: str


def early_phrases(vocabulary: Vocabulary) -> frozenset[str]:
    """Phrases that already settle the command when heard as a partial result.

    "next" may still grow into "next set", which means the same, so it is safe; a phrase that is
    the start of a phrase of another command is not, because the rest of the utterance decides.
    """
    safe = set()
    for phrase, command in vocabulary.phrases.items():
        words = phrase.split()
        longer = [c for p, c in vocabulary.phrases.items() if p.split()[: len(words)] == words]
        if all(c is command for c in longer):
            safe.add(phrase)
    return frozenset(safe)


class Matcher:
    """Tracks one utterance at a time; emits at most one decision per utterance.

    A final result counts when its whole text is a phrase (an "[unk]" anywhere rejects it). A
    partial result counts earlier when it is a safe phrase and has stayed unchanged for
    `stable_s` seconds of audio: partials flicker while a word is still being spoken, and a
    stable one means the speaker has stopped or moved on to silence.
    """

    def __init__(self, vocabulary: Vocabulary, stable_s: float = 0.2) -> None:
        self._vocabulary = vocabulary
        self._early = early_phrases(vocabulary)
        self._stable_s = stable_s
        self._partial = ""
        self._partial_since = 0.0
        self._decided = False

    def reset(self) -> None:
        """Forget the utterance in progress (after a recogniser reset)."""
        self._partial = ""
        self._partial_since = 0.0
        self._decided = False

    def feed(self, hypothesis: Hypothesis, audio_s: float) -> Decision | Missed | None:
        """`audio_s`: seconds of audio consumed when this hypothesis was produced."""
        text = normalise(hypothesis.text)
        if hypothesis.final:
            decided = self._decided
            self.reset()
            if decided or not text:
                return None
            if not hypothesis.sure:
                command = self._vocabulary.command_for(text)
                return Missed(command, text) if command is not None else None
            return self._decision(text)
        if self._decided:
            return None
        if text != self._partial:
            self._partial = text
            self._partial_since = audio_s
            return None
        if text in self._early and audio_s - self._partial_since >= self._stable_s:
            self._decided = True
            return self._decision(text)
        return None

    def _decision(self, text: str) -> Decision | None:
        command = self._vocabulary.command_for(text)
        if command is not None:
            return Decision(command, text)
        # Numbers are decided on final results only: no number phrase is in `early_phrases`.
        number = self._vocabulary.number_for(text)
        return Decision(None, text, number) if number is not None else None
