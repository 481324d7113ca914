"""PocketSphinx, the engine that works out of the box: keyphrase spotting with the US-English
model carried by the `pocketsphinx` wheel.

Chosen by `listener.EngineChoice` when no Vosk model for the language is installed. A plain
grammar of command phrases has no garbage model, so it forces most non-command speech onto some
command; keyphrase spotting has one, and each phrase gets a detection threshold that scales with
its length in phones (a longer phrase accumulates more score, so it needs a looser threshold to
be found at all, while short words need a strict one not to fire on everything).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from companion.errors import UserError
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.vocabulary import Vocabulary

# Detection threshold per phrase: 1e-(PER_PHONE * phones). benchmarks/commands.py measured 4.0:
# 70 % false accepts, 27 % right at 10 dB; 2.0: 30 % and 22 %. Neither is usable; false accepts
# do more harm (a stray "next" ends a set), so the stricter one.
PER_PHONE = 2.0


def model_dir() -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us"


def _phones(decoder: Any, word: str) -> int | None:
    pronunciation = decoder.lookup_word(word)
    return len(pronunciation.split()) if pronunciation else None


class SphinxRecognizer:
    def __init__(self, keyphrases: str) -> None:
        import pocketsphinx

        # The decoder reads the keyphrase list from a file, once, while it is created.
        with tempfile.NamedTemporaryFile("w", suffix=".kws", delete=False) as handle:
            handle.write(keyphrases)
        try:
            self._decoder = pocketsphinx.Decoder(kws=handle.name, loglevel="FATAL")
        finally:
            Path(handle.name).unlink()
        self._decoder.start_utt()

    def accept(self, pcm: bytes) -> Hypothesis | None:
        self._decoder.process_raw(pcm)
        found = self._decoder.hyp()
        if found is None:
            return None
        # A spotted phrase is a whole decision; restart so it is not reported again.
        self.reset()
        return Hypothesis(found.hypstr, True)

    def finish(self) -> Hypothesis | None:
        found = self._decoder.hyp()
        self.reset()
        return Hypothesis(found.hypstr, True) if found is not None else None

    def reset(self) -> None:
        self._decoder.end_utt()
        self._decoder.start_utt()


class SphinxEngine:
    name = "pocketsphinx"

    def __init__(self, vocabulary: Vocabulary, missing: tuple[str, ...], keyphrases: str):
        self.vocabulary = vocabulary
        self.missing = missing
        self._keyphrases = keyphrases

    @classmethod
    def load(cls, vocabulary: Vocabulary) -> SphinxEngine:
        if vocabulary.language != "en":
            raise UserError(
                f"PocketSphinx here has only a US-English model, not {vocabulary.language!r}; "
                "install a Vosk model for that language and pass --model PATH"
            )
        import pocketsphinx

        probe = pocketsphinx.Decoder(loglevel="FATAL")
        phones = {w: _phones(probe, w) for w in vocabulary.words()}
        missing = tuple(w for w, n in phones.items() if n is None)
        dropped = {p for p in vocabulary.phrases if any(w in missing for w in p.split())}
        usable = vocabulary.without(dropped)
        lines = []
        for phrase in usable.phrases:
            count = sum(phones[w] or 0 for w in phrase.split())
            lines.append(f"{phrase} /1e-{PER_PHONE * count:.0f}/\n")
        return cls(usable, missing, "".join(lines))

    def recognizer(self) -> SphinxRecognizer:
        return SphinxRecognizer(self._keyphrases)

    def describe(self) -> str:
        return "pocketsphinx (built-in US-English model)"
