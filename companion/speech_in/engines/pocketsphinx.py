"""PocketSphinx, the engine that works out of the box: the US-English model carried by the
`pocketsphinx` wheel, judging whole utterances.

Chosen by `listener.EngineChoice` when no Vosk model for the language is installed. Commands are
short isolated utterances, so the audio is cut into utterances by `endpoint.Endpointer` and each
one is judged as a whole:

1. decoded against a JSGF grammar whose only sentences are the exact command phrases (a path that
   does not reach the end of a phrase yields a partial phrase, which is rejected);
2. rejected when its voiced length is implausible for the phrase: `MIN_PHONE_S`..`MAX_PHONE_S`
   seconds per phone, bounds from ordinary speaking rates, not fitted to the benchmark voices;
   chatter forced onto a short command is far too long for it, a clank far too short;
3. confirmed by keyphrase spotting over the same audio: the spotter has a garbage model (the
   grammar has none and forces any sound onto some phrase), so the two searches must agree.

The loop around these steps, shared with Moonshine, is `utterances.UtteranceRecognizer`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from companion.speech_in.engine import EngineName, require_english
from companion.speech_in.engines.utterances import UtteranceRecognizer
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.vocabulary import Vocabulary

# Keyphrase threshold per phrase: 1e-(PER_PHONE * phones); larger is looser; `None` turns the
# confirmation off. Why 4.0: benchmarks/TUNING.md, "PocketSphinx".
PER_PHONE: float | None = 4.0
MIN_PHONE_S = 0.04  # fastest plausible speech: ~25 phones per second
MAX_PHONE_S = 0.25  # slowest plausible deliberate speech, pauses between words included


def model_dir() -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us"


def _phones(decoder: Any, word: str) -> int | None:
    pronunciation = decoder.lookup_word(word)
    return len(pronunciation.split()) if pronunciation else None


def grammar(phrases: list[str]) -> str:
    """A JSGF grammar whose sentences are exactly `phrases` (one per utterance)."""
    return "#JSGF V1.0;\ngrammar commands;\npublic <command> = " + " | ".join(phrases) + " ;\n"


def plausible(speech_s: float, phones: int) -> bool:
    """Could `phones` phones have been spoken in `speech_s` seconds of voiced audio?"""
    return MIN_PHONE_S * phones <= speech_s <= MAX_PHONE_S * phones


class SphinxRecognizer(UtteranceRecognizer):
    def __init__(self, jsgf: str, keyphrases: str | None, phones: dict[str, int]) -> None:
        import pocketsphinx

        super().__init__()
        self._phones = phones
        self._grammar = pocketsphinx.Decoder(loglevel="FATAL")
        self._grammar.add_jsgf_string("commands", jsgf)
        self._grammar.activate_search("commands")
        self._spotter: Any = None
        if keyphrases is not None:
            # The decoder reads the keyphrase list from a file, once, while it is created.
            with tempfile.NamedTemporaryFile("w", suffix=".kws", delete=False) as handle:
                handle.write(keyphrases)
            try:
                self._spotter = pocketsphinx.Decoder(kws=handle.name, loglevel="FATAL")
            finally:
                Path(handle.name).unlink()
        self._spotted: set[str] = set()

    def _decoders(self) -> list[Any]:
        return [self._grammar] if self._spotter is None else [self._grammar, self._spotter]

    def _opened(self) -> None:
        # The decoders are fed while the utterance is spoken, so the decision costs only the
        # end-of-utterance search.
        for decoder in self._decoders():
            decoder.start_utt()
        self._spotted = set()

    def _hear(self, pcm: bytes) -> None:
        for decoder in self._decoders():
            decoder.process_raw(pcm)
        if self._spotter is not None:
            # Read the spotter before the utterance ends: it reports a phrase while it is found.
            self._spot()

    def _dropped(self) -> None:
        for decoder in self._decoders():
            decoder.end_utt()

    def _closed(self, voiced_s: float) -> Hypothesis | None:
        self._dropped()
        if self._spotter is not None:
            # The spotter may confirm a phrase only on the last frames, flushed by end_utt.
            self._spot()
        found = self._grammar.hyp()
        phrase = found.hypstr if found is not None else ""
        if phrase not in self._phones or not plausible(voiced_s, self._phones[phrase]):
            return None
        if self._spotter is not None and phrase not in self._spotted:
            return None
        return Hypothesis(phrase, True)

    def _spot(self) -> None:
        spotted = self._spotter.hyp()
        if spotted is not None:
            self._spotted.add(spotted.hypstr.strip())


class SphinxEngine:
    name = EngineName.POCKETSPHINX

    def __init__(
        self,
        vocabulary: Vocabulary,
        missing: tuple[str, ...],
        phones: dict[str, int],
    ):
        self.vocabulary = vocabulary
        self.missing = missing
        self._phones = phones

    @classmethod
    def load(cls, vocabulary: Vocabulary) -> SphinxEngine:
        require_english(vocabulary, "PocketSphinx here has only a US-English model")
        import pocketsphinx

        probe = pocketsphinx.Decoder(loglevel="FATAL")
        phones = {w: _phones(probe, w) for w in vocabulary.words()}
        usable, missing = vocabulary.hearable(lambda word: phones[word] is not None)
        counts = {p: sum(phones[w] or 0 for w in p.split()) for p in usable.phrases}
        return cls(usable, missing, counts)

    def keyphrases(self) -> str | None:
        if PER_PHONE is None:
            return None
        return "".join(f"{p} /1e-{PER_PHONE * n:.0f}/\n" for p, n in self._phones.items())

    def recognizer(self) -> SphinxRecognizer:
        return SphinxRecognizer(grammar(sorted(self._phones)), self.keyphrases(), self._phones)

    def describe(self) -> str:
        return "pocketsphinx (built-in US-English model)"
