"""Vosk, the engine for every language with a model (for English only when asked for): a
grammar-restricted `KaldiRecognizer` over a model directory.

Loaded by `listener.EngineChoice.load` (in a background thread, since a model takes seconds).
Vosk compiles the grammar into a bigram model and silently drops words it does not know, so every
word is checked here first and the loss is reported; anything that is not an exact phrase is
rejected later by the matcher.

The grammar also holds the vocabulary's `not_commands` (counts) and `numbers`, so that hearing one
has somewhere to go other than the nearest command (and a number can answer "how many reps?").
Every word added to a grammar is also a new way to misread a command, so the lists stay short
(the measurements: benchmarks/TUNING.md, "Vosk grammar").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.engine import SAMPLE_RATE, EngineName
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.models import require_model
from companion.speech_in.vocabulary import Vocabulary

UNKNOWN = "[unk]"  # Vosk's garbage word: lets non-command speech go somewhere harmless


def knows(model: Any, word: str) -> bool:
    """Whether the model's lexicon has `word` (Vosk would drop it from a grammar silently)."""
    return bool(model.vosk_model_find_word(word) >= 0)


class VoskRecognizer:
    def __init__(self, model: Any, grammar: list[str]) -> None:
        self._model = model
        # Vosk wants the words themselves; escaped non-ASCII would be "missing" words.
        self._grammar = json.dumps(grammar, ensure_ascii=False)
        self._recognizer = self._fresh()

    def _fresh(self) -> Any:
        import vosk

        return vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar)

    def accept(self, pcm: bytes) -> Hypothesis | None:
        if self._recognizer.AcceptWaveform(pcm):
            return Hypothesis(json.loads(self._recognizer.Result()).get("text", ""), True)
        partial = json.loads(self._recognizer.PartialResult()).get("partial", "")
        return Hypothesis(partial, False) if partial else None

    def finish(self) -> Hypothesis | None:
        text = json.loads(self._recognizer.FinalResult()).get("text", "")
        return Hypothesis(text, True)

    def reset(self) -> None:
        # A new recognizer, not KaldiRecognizer.Reset(): audio fed before a Reset still turns
        # into words afterwards (a cue's first 0.2 s, then silence, became "예" with the Korean
        # model), which would let the start of the companion's own voice through the gate.
        self._recognizer = self._fresh()

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        """Ignored: the grammar stays whole (its counts keep an echoed count from being forced
        onto a command, and a new grammar would need a new recognizer mid-utterance); the
        command stream drops what is not listened for."""


class VoskEngine:
    name = EngineName.VOSK

    def __init__(
        self, model: Any, path: Path, vocabulary: Vocabulary, missing: tuple[str, ...]
    ) -> None:
        self._model = model
        self.path = path
        self.vocabulary = vocabulary
        self.missing = missing
        # Some models (the Korean one) have no garbage word; asking for it only logs a warning.
        self.has_unknown = knows(model, UNKNOWN)
        # A not-command with a word the model lacks is left out quietly: commands work without it.
        heard_otherwise = [
            p
            for p in vocabulary.alternatives
            if all(knows(model, w) for w in p.split())
        ]
        self.grammar = [
            *vocabulary.phrases,
            *heard_otherwise,
            *([UNKNOWN] if self.has_unknown else []),
        ]

    @classmethod
    def load(cls, path: Path, vocabulary: Vocabulary) -> VoskEngine:
        import vosk

        vosk.SetLogLevel(-1)  # its log goes to stderr, under the terminal UI
        require_model(path)
        try:
            model = vosk.Model(str(path))
        except Exception as err:  # vosk raises a bare Exception on a bad model
            raise UserError(f"cannot load the Vosk model at {path}: {err}") from err
        usable, missing = vocabulary.hearable(lambda word: knows(model, word))
        if not usable.phrases:
            raise UserError(
                f"the Vosk model at {path} knows none of the {vocabulary.language} command "
                "words; use a model for that language"
            )
        return cls(model, path, usable, missing)

    def recognizer(self) -> VoskRecognizer:
        return VoskRecognizer(self._model, self.grammar)

    def describe(self) -> str:
        garbage = "" if self.has_unknown else ", no [unk] word: weaker rejection"
        return f"vosk ({self.vocabulary.language}, {self.path}{garbage})"
