"""What every recognition engine offers: a loaded model that makes fresh recognizers.

Implemented by the engines in `engines/` (Vosk, Moonshine, PocketSphinx); used by
`pipeline.CommandStream` (files and the microphone alike) and by `listener`, which loads an engine
once and makes a recognizer per use.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.vocabulary import Vocabulary

SAMPLE_RATE = 16000  # every engine is fed 16 kHz mono 16-bit PCM
BYTES_PER_S = 2 * SAMPLE_RATE


class EngineName(StrEnum):
    """The engines, spelled as the settings file and `--engine` spell them."""

    AUTO = "auto"  # in settings only: the engine measured best for the language (choose_engine)
    VOSK = "vosk"
    MOONSHINE = "moonshine"
    POCKETSPHINX = "pocketsphinx"


class Recognizer(Protocol):
    def accept(self, pcm: bytes) -> Hypothesis | None:
        """Feed 16 kHz mono int16 audio; return the newest hypothesis, if any."""

    def finish(self) -> Hypothesis | None:
        """The audio has ended: return the final hypothesis of the open utterance."""

    def reset(self) -> None:
        """Drop everything heard so far (after the companion's own voice)."""

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        """Listen only for these commands from now on (None: every one). An engine that cannot
        narrow what it listens for ignores it: `pipeline.CommandStream` drops the rest."""


class Engine(Protocol):
    name: EngineName  # never AUTO
    vocabulary: Vocabulary  # only the phrases this engine can actually hear
    missing: tuple[str, ...]  # vocabulary words the model does not know

    def recognizer(self) -> Recognizer: ...

    def describe(self) -> str: ...


def require_english(vocabulary: Vocabulary, only: str) -> None:
    """For an engine whose one model is English: `only` says so ("Moonshine here has only an
    English model"); any other language is refused with the way to a model for it."""
    if vocabulary.language != "en":
        raise UserError(
            f"{only}, not {vocabulary.language!r}; "
            "install a Vosk model for that language and pass --model PATH"
        )
