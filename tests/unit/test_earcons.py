"""The earcons are short, click-free, modest, and unlike each other and unlike speech."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import Samples
from companion.speech_out.earcons import synthesize
from companion.speech_out.port import Earcon

RATES = [16000, 44100, 48000]


def pitch(samples: Samples, rate: int) -> float:
    """The strongest frequency, in Hz."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum)) * rate / len(samples)


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("kind", list(Earcon))
def test_an_earcon_is_short_modest_and_starts_and_ends_silent(kind: Earcon, rate: int) -> None:
    clip = synthesize(kind, rate)
    assert clip.dtype == np.float32
    assert 0.05 <= len(clip) / rate <= 0.15
    assert 0.1 <= float(np.max(np.abs(clip))) <= 0.5  # heard, but softer than speech
    # No click: it rises from silence and falls back to it, and no sample (where its tones
    # join, too) jumps further than the highest tone at the highest level can move in one.
    assert abs(float(clip[0])) < 1e-3 and abs(float(clip[-1])) < 1e-3
    assert float(np.max(np.abs(np.diff(clip)))) <= 2 * np.pi * 1320 / rate * 0.5


@pytest.mark.parametrize("rate", RATES)
def test_accepted_rises_and_unmatched_is_one_low_tone(rate: int) -> None:
    accepted = synthesize(Earcon.ACCEPTED, rate)
    half = len(accepted) // 2
    first, second = pitch(accepted[:half], rate), pitch(accepted[half:], rate)
    assert second > first * 1.3  # a rising interval, a fifth: heard as "done" from across a room
    unmatched = synthesize(Earcon.UNMATCHED, rate)
    low = pitch(unmatched, rate)
    assert low < first / 2  # more than an octave below: not mistaken for the other
    a, b = unmatched[: len(unmatched) // 2], unmatched[len(unmatched) // 2 :]
    assert abs(pitch(a, rate) - pitch(b, rate)) < 40  # one steady tone
    assert float(np.max(np.abs(unmatched))) < float(np.max(np.abs(accepted)))  # and softer


@pytest.mark.parametrize("kind", list(Earcon))
def test_an_earcon_is_pure_tones_not_voice_like(kind: Earcon) -> None:
    """Speech spreads its energy over many harmonics; an earcon keeps nearly all of it within a
    few percent of its tones' pitches."""
    rate = 48000
    clip = synthesize(kind, rate)
    spectrum = np.abs(np.fft.rfft(clip)) ** 2
    freqs = np.fft.rfftfreq(len(clip), 1 / rate)
    tones = [880.0, 1320.0] if kind is Earcon.ACCEPTED else [330.0]
    near = np.zeros(len(freqs), bool)
    for hz in tones:
        near |= np.abs(freqs - hz) < max(60.0, 0.1 * hz)
    assert spectrum[near].sum() / spectrum.sum() > 0.95
