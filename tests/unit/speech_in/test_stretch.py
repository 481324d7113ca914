"""Slowing speech down: longer by 1/rate, same pitch, same loudness, and left alone at rate 1."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import Samples
from companion.speech_in.stretch import slowed


def tone(hz: float, seconds: float) -> Samples:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def peak_hz(samples: Samples) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / 16000)[np.argmax(spectrum)])


def test_slowed_is_longer_at_the_same_pitch_and_level() -> None:
    source = tone(220, 2.0)
    result = slowed(source, 0.8)
    assert len(result) == 40000
    middle = result[4000:-4000]
    assert abs(peak_hz(middle) - 220) < 2
    assert abs(np.sqrt(np.mean(middle**2)) - np.sqrt(np.mean(source**2))) < 0.02


def test_a_resampled_tone_would_drop_in_pitch_but_this_does_not() -> None:
    # Slowing by stretching samples (playing them slower) would put 440 Hz at 352 Hz.
    assert abs(peak_hz(slowed(tone(440, 1.0), 0.8)[2000:-2000]) - 440) < 3


def test_the_order_of_events_is_kept() -> None:
    # A click at 0.5 s of a quiet second lands at 0.625 s when slowed to 0.8.
    source = np.zeros(16000, np.float32)
    source[8000:8080] = 0.9
    result = slowed(source, 0.8)
    loudest = int(np.argmax(np.abs(result)))
    assert abs(loudest / 16000 - 0.625) < 0.02


def test_rate_one_and_very_short_audio_are_left_alone() -> None:
    source = tone(220, 1.0)
    assert slowed(source, 1.0) is source
    short = tone(220, 0.02)
    assert slowed(short, 0.8) is short
    with pytest.raises(ValueError, match="rate"):
        slowed(source, 0.0)


@pytest.mark.parametrize("length", [1504, 1505, 2047, 16001])
def test_any_length_comes_out_length_over_rate(length: int) -> None:
    noise = np.random.default_rng(length).standard_normal(length).astype(np.float32) * 0.1
    result = slowed(noise, 0.8)
    assert len(result) == int(length / 0.8)
    assert result.dtype == np.float32 and np.all(np.isfinite(result))
