"""Sample-rate conversion (`companion.audio.resample`): whole clips for speech out, and streams of
microphone blocks for speech in."""

from __future__ import annotations

import numpy as np
import pytest

from companion.audio.pcm import Samples
from companion.audio.resample import Resampler, resample

CLIP_RATE = 22050  # what espeak-ng renders at


def tone(seconds: float, freq: float, rate: int) -> Samples:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def streamed(resampler: Resampler, samples: Samples, block: int) -> Samples:
    """`samples` in blocks, as a microphone delivers them; the last one flushes the stream."""
    return np.concatenate(
        [
            resampler.process(samples[i : i + block], last=i + block >= len(samples))
            for i in range(0, len(samples), block)
        ]
    )


def test_resample_keeps_pitch_and_duration() -> None:
    out = resample(tone(0.5, 440, CLIP_RATE), CLIP_RATE, 48000)
    assert len(out) == round(0.5 * CLIP_RATE * 48000 / CLIP_RATE)
    spectrum = np.abs(np.fft.rfft(out))
    peak_hz = np.argmax(spectrum) * 48000 / len(out)
    assert peak_hz == pytest.approx(440, abs=3)
    assert float(np.max(np.abs(out[1000:-1000]))) == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize("target", [44100, 48000])
def test_a_resampled_clip_is_the_same_sound_at_the_new_rate(target: int) -> None:
    """Away from the ends, every sample is where the tone would be (no shift, no ripple)."""
    out = resample(tone(1.0, 3000, CLIP_RATE), CLIP_RATE, target)
    expected = tone(1.0, 3000, target)
    assert len(out) == len(expected)
    error = (out - expected)[target // 10 : -target // 10]
    assert rms(error) < 1e-4


@pytest.mark.parametrize("length", [0, 1, 4097, 30211])
def test_a_clip_of_any_length_keeps_its_duration(length: int) -> None:
    clip = np.ones(length, np.float32) * 0.1
    assert len(resample(clip, CLIP_RATE, 48000)) == round(length * 48000 / CLIP_RATE)
    assert resample(clip, CLIP_RATE, CLIP_RATE) is clip


def test_resampler_keeps_a_tone_across_blocks() -> None:
    rate = 48000
    t = np.arange(rate) / rate
    tone_48k = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = streamed(Resampler(rate, 16000), tone_48k, 2400)
    assert abs(len(out) - 16000) <= 1
    delay = 0.0  # soxr's filter is linear-phase and its delay is compensated: nothing shifts
    expected = 0.5 * np.sin(2 * np.pi * 440 * (np.arange(len(out)) / 16000 - delay))
    error = out[100:-100] - expected[100:-100]
    assert float(np.sqrt(np.mean(error**2))) < 0.02
    # An 11 kHz tone cannot exist at 16 kHz: it must be filtered, not folded to 5 kHz.
    high = (0.5 * np.sin(2 * np.pi * 11000 * t)).astype(np.float32)
    folded = Resampler(rate, 16000).process(high)
    assert float(np.sqrt(np.mean(folded[200:] ** 2))) < 0.02


@pytest.mark.parametrize("rate", [44100, 22050])
def test_a_microphone_at_an_awkward_rate_is_heard_exactly(rate: int) -> None:
    """Rates that are no multiple of 16 kHz; the hand-written resampler soxr replaced
    interpolated linearly there, leaving a 3 kHz tone only 46 dB (44.1 kHz) or 34 dB
    (22.05 kHz) above its own distortion."""
    out = streamed(Resampler(rate, 16000), tone(1.0, 3000, rate), int(rate * 0.05))
    expected = tone(1.0, 3000, 16000)
    assert len(out) == len(expected)
    assert rms((out - expected)[1600:-1600]) < 1e-4  # > 70 dB below the tone


def test_blocks_leave_no_trace_and_only_the_filter_lag_is_held_back() -> None:
    rng = np.random.default_rng(0)
    noise = (0.3 * rng.standard_normal(48000)).astype(np.float32)
    whole = Resampler(48000, 16000).process(noise, last=True)
    blocks = streamed(Resampler(48000, 16000), noise, 2400)
    assert len(whole) == len(blocks) == 16000
    assert float(np.abs(whole - blocks).max()) < 1e-6
    # Unflushed, a live stream runs behind by what its filter holds: soxr releases it in bursts,
    # 6 to 40 ms (benchmarks/TUNING.md, "Resampling"); it must never build up.
    live = Resampler(48000, 16000)
    delivered, held = 0, []
    for k in range(20):
        delivered += len(live.process(noise[k * 2400 : (k + 1) * 2400]))
        held.append(800 * (k + 1) - delivered)  # 800 samples at 16 kHz per 50 ms block
    assert min(held) > 0 and max(held) <= 0.045 * 16000


def test_at_the_recognisers_rate_blocks_pass_through_untouched() -> None:
    block = tone(0.05, 440, 16000)
    out = Resampler(16000, 16000).process(block)
    assert np.array_equal(out, block)
