"""The Moonshine engine ranks command phrases by what the audio added to each one's probability,
not by the probability alone, which favours short, common phrases whatever was said; a count
that fits better than any command is no command; and only cuts with a voice in them are
weighed."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import Samples
from companion.domain.events import Command
from companion.speech_in.engines.moonshine.engine import (
    TUNING,
    MoonshineEngine,
    NumberSaid,
    Unheard,
    Verdict,
    Weighing,
    spelled,
)
from companion.speech_in.engines.moonshine.model import Transcript
from companion.speech_in.expander import expanded
from companion.speech_in.stretch import slowed
from companion.speech_in.vocabulary import load_vocabulary

PRIOR_WEIGHT = TUNING.prior_weight
SILENCE = "silence"
SPEECH = "speech"
# log P(phrase | audio) as the decoder gives it; unlisted phrases get -30.
GIVEN_SILENCE = {"No": -8.0, "Pain": -13.0}
GIVEN_SPEECH = {"No": -6.0, "Pain": -7.0}


class Spellings:
    """Each spelling is its own token: enough to tell phrases apart."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, text: str) -> list[int]:
        self.texts.append(text)
        return [len(self.texts) - 1]


class Decoder:
    def __init__(self) -> None:
        self.tokenizer = Spellings()
        self.encoded = 0

    def encode(self, samples: Samples) -> str:
        self.encoded += 1
        return SILENCE if not np.any(samples) else SPEECH

    def score(self, encoded: str, phrases: list[list[int]]) -> list[float]:
        table = GIVEN_SILENCE if encoded == SILENCE else GIVEN_SPEECH
        return [table.get(self.tokenizer.texts[p[0]], -30.0) for p in phrases]

    def transcribe(self, encoded: str, max_words: int) -> Transcript:
        return Transcript("Pain.", -6.5, True)


class Voice:
    """Stands in for Silero: every cut holds this much voice."""

    def __init__(self, peak: float) -> None:
        self.level = peak

    def peak(self, samples: Samples) -> float:
        return self.level


def test_a_phrase_likely_whatever_is_heard_loses_to_the_one_the_audio_raised() -> None:
    engine = MoonshineEngine(load_vocabulary("en"), Decoder(), Voice(1.0))  # type: ignore[arg-type]
    assert max(GIVEN_SPEECH, key=lambda p: GIVEN_SPEECH[p]) == spelled("no")  # raw best
    weighed = engine.weigh(np.full(16000, 0.1, np.float32))
    assert isinstance(weighed, Weighing)  # a command, not a number
    assert (weighed.phrase, weighed.command) == ("pain", Command.PAIN)
    evidence = weighed.evidence
    assert evidence.log_prob == -7.0
    assert evidence.lift == pytest.approx(-7.0 + PRIOR_WEIGHT * 13.0)
    assert evidence.separation == pytest.approx(evidence.lift - (-6.0 + PRIOR_WEIGHT * 8.0))


def test_a_cut_without_a_voice_is_never_weighed() -> None:
    decoder = Decoder()
    engine = MoonshineEngine(load_vocabulary("en"), decoder, Voice(0.4))  # type: ignore[arg-type]
    at_load = decoder.encoded  # silence, for the prior
    assert engine.weigh(np.full(16000, 0.1, np.float32)) is Unheard.NO_VOICE
    # Noise is no part of a command: nothing to hear again with what follows.
    assert engine.judge(np.full(16000, 0.1, np.float32)) == Verdict()
    assert decoder.encoded == at_load


def test_a_count_that_fits_better_than_any_command_is_no_command() -> None:
    vocabulary = load_vocabulary("en")
    assert "one" in vocabulary.not_commands
    heard = {"Done": -7.0, "One": -5.0}
    decoder = Decoder()
    engine = MoonshineEngine(vocabulary, decoder, Voice(1.0))  # type: ignore[arg-type]
    decoder.score = lambda encoded, phrases: [  # type: ignore[method-assign]
        heard.get(decoder.tokenizer.texts[p[0]], -30.0) for p in phrases
    ]
    assert engine.weigh(np.full(16000, 0.1, np.float32)) is Unheard.NOT_A_COMMAND
    # A count, or the start of a command that noise cut short: heard again with what follows.
    assert engine.judge(np.full(16000, 0.1, np.float32)) == Verdict(fragment=True)
    heard["One"] = -8.0  # now "done" fits best, and is weighed against commands only
    weighed = engine.weigh(np.full(16000, 0.1, np.float32))
    assert isinstance(weighed, Weighing) and weighed.phrase == "done"
    evidence = weighed.evidence
    assert evidence.separation == pytest.approx(evidence.lift - (-30.0 + 30.0 * PRIOR_WEIGHT))


def test_the_ranking_is_the_one_weigh_chooses_from() -> None:
    engine = MoonshineEngine(load_vocabulary("en"), Decoder(), Voice(1.0))  # type: ignore[arg-type]
    ranked = engine.ranked(np.full(16000, 0.1, np.float32))
    weighed = engine.weigh(np.full(16000, 0.1, np.float32))
    assert isinstance(weighed, Weighing)  # a command, not a number
    assert ranked[:2] == [weighed.phrase, "no"] == ["pain", "no"]  # lifted 3.4 and 0.4
    # Every command phrase and every count, call or number, once each.
    vocabulary = load_vocabulary("en")
    assert sorted(ranked) == sorted([*vocabulary.phrases, *vocabulary.alternatives])


@pytest.mark.parametrize(
    ("transcript", "heard"),
    [("Twelve.", "twelve"), ("12", "twelve"), ("Twelve reps.", None), ("Pain.", None)],
)
def test_a_number_that_fits_best_is_heard_only_when_said_alone(
    transcript: str, heard: str | None
) -> None:
    """A number answers "how many reps?", so it must be what was said, not merely closest."""
    scores = {"Twelve": -5.0, "Done": -7.0}
    decoder = Decoder()
    engine = MoonshineEngine(load_vocabulary("en"), decoder, Voice(1.0))  # type: ignore[arg-type]
    decoder.score = lambda encoded, phrases: [  # type: ignore[method-assign]
        scores.get(decoder.tokenizer.texts[p[0]], -30.0) for p in phrases
    ]
    decoder.transcribe = lambda encoded, max_words: Transcript(  # type: ignore[method-assign]
        transcript, -5.0, len(transcript.split()) <= max_words
    )
    weighed = engine.weigh(np.full(16000, 0.1, np.float32))
    if heard is None:
        assert weighed is Unheard.NOT_A_COMMAND
        assert engine.judge(np.full(16000, 0.1, np.float32)) == Verdict(fragment=True)
    else:
        assert weighed == NumberSaid(heard)
        assert engine.judge(np.full(16000, 0.1, np.float32)) == Verdict(heard)


class Listening(Decoder):
    """Keeps what the model was given to hear."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[Samples] = []

    def encode(self, samples: Samples) -> str:
        self.heard.append(samples)
        return super().encode(samples)


def test_the_model_hears_the_room_turned_down_and_the_words_slowed() -> None:
    decoder = Listening()
    heard = decoder.heard
    engine = MoonshineEngine(load_vocabulary("en"), decoder, Voice(1.0))  # type: ignore[arg-type]
    t = np.arange(8000) / 16000
    word = (0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    room = (0.003 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)  # 40 dB under the words
    cut = np.concatenate([word, room, word])
    heard.clear()
    engine.weigh(cut)
    assert len(heard) == 1
    np.testing.assert_array_equal(heard[0], slowed(expanded(cut, TUNING.expander), TUNING.rate))
    # The room, there, is turned down by the expander's limit.
    as_cut = slowed(cut, TUNING.rate)
    middle = slice(int(0.7 / TUNING.rate * 16000), int(0.8 / TUNING.rate * 16000))
    drop = np.sqrt(np.mean(as_cut[middle] ** 2) / np.mean(heard[0][middle] ** 2))
    assert drop == pytest.approx(10 ** (TUNING.expander.max_db / 20), rel=0.05)
