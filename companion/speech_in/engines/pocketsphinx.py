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

Utterances longer than `MAX_UTTERANCE_S` are not decoded at all (no command is that long), which
also keeps the CPU idle during chatter. The decoders are fed while the utterance is spoken, so
the decision costs only the end-of-utterance search after the endpointer's pause.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from companion.errors import UserError
from companion.speech_in.endpoint import MAX_UTTERANCE_S, Endpointer, Event
from companion.speech_in.engine import BYTES_PER_S
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.vocabulary import Vocabulary

# Keyphrase threshold per phrase: 1e-(PER_PHONE * phones); larger is looser. Alone (before
# utterance judging), benchmarks/commands.py measured 4.0: 70 % false accepts, 27 % right at 10 dB;
# 2.0: 30 % and 22 %. As a confirmation of the grammar it may be the looser one; `None` turns the
# confirmation off.
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


class SphinxRecognizer:
    def __init__(self, jsgf: str, keyphrases: str | None, phones: dict[str, int]) -> None:
        import pocketsphinx

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
        self._endpointer = Endpointer()
        self._open = False  # the decoders are inside an utterance
        self._fed = 0  # bytes of the open utterance fed so far
        self._spotted: set[str] = set()

    def _decoders(self) -> list[Any]:
        return [self._grammar] if self._spotter is None else [self._grammar, self._spotter]

    def accept(self, pcm: bytes) -> Hypothesis | None:
        found = None
        for event in self._endpointer.process(pcm):
            result = self._event(event)
            found = result or found
        return found

    def finish(self) -> Hypothesis | None:
        if not self._endpointer.in_speech:
            return None
        speech_s = self._endpointer.voiced_s
        self._endpointer.reset()
        return self._close(speech_s)

    def reset(self) -> None:
        self._endpointer.reset()
        self._abandon()

    def _event(self, event: Event) -> Hypothesis | None:
        if event.kind == "start":
            for decoder in self._decoders():
                decoder.start_utt()
            self._open = True
            self._fed = 0
            self._spotted = set()
        if self._open:
            self._feed(event.pcm)
        if event.kind == "end":
            return self._close(event.speech_s)
        return None

    def _feed(self, pcm: bytes) -> None:
        self._fed += len(pcm)
        if self._fed > MAX_UTTERANCE_S * BYTES_PER_S:
            self._abandon()  # longer than any command: not worth decoding
            return
        for decoder in self._decoders():
            decoder.process_raw(pcm)
        if self._spotter is not None:
            # Read the spotter before the utterance ends: it reports a phrase while it is found.
            spotted = self._spotter.hyp()
            if spotted is not None:
                self._spotted.add(spotted.hypstr.strip())

    def _abandon(self) -> None:
        if self._open:
            for decoder in self._decoders():
                decoder.end_utt()
        self._open = False

    def _close(self, speech_s: float) -> Hypothesis | None:
        if not self._open:
            return None
        self._abandon()
        if self._spotter is not None:
            # The spotter may confirm a phrase only on the last frames, flushed by end_utt.
            spotted = self._spotter.hyp()
            if spotted is not None:
                self._spotted.add(spotted.hypstr.strip())
        found = self._grammar.hyp()
        phrase = found.hypstr if found is not None else ""
        if phrase not in self._phones or not plausible(speech_s, self._phones[phrase]):
            return None
        if self._spotter is not None and phrase not in self._spotted:
            return None
        return Hypothesis(phrase, True)


class SphinxEngine:
    name = "pocketsphinx"

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
