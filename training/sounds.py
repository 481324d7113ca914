"""Noise and rooms for augmentation and for the evaluation conditions, all made here: procedural
music (chords, bass, drums), gym clanks (plates ringing over a low hum), babble of several talkers
(from material the caller gives), and rooms as exponentially decaying impulse responses."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

RATE = 16000
Floats = NDArray[np.float32]


def unit(x: NDArray[np.floating]) -> Floats:
    """`x` scaled to unit RMS."""
    return (x / max(1e-9, float(np.sqrt(np.mean(x**2))))).astype(np.float32)


def _note(freq: float, n: int, rng: np.random.Generator, bright: float) -> NDArray[np.float64]:
    t = np.arange(n) / RATE
    tone = sum((bright**k) * np.sin(2 * np.pi * freq * (k + 1) * t) for k in range(5))
    attack = min(n, 160 + int(rng.integers(0, 800)))
    envelope = np.exp(-t * rng.uniform(0.5, 4.0))
    envelope[:attack] *= np.linspace(0, 1, attack)
    return np.asarray(tone * envelope)


def music(n: int, rng: np.random.Generator) -> Floats:
    """A loop of pop-like music: a chord progression, a bass line and a drum kit."""
    bpm = rng.uniform(90, 150)
    beat = int(RATE * 60 / bpm)
    out = np.zeros(n + 4 * beat)
    root = rng.uniform(110, 220)
    progression = [0, 5, 7, 3] if rng.random() < 0.5 else [0, 7, 9, 5]
    bright = rng.uniform(0.3, 0.8)
    t = np.arange(4 * beat)
    for bar, start in enumerate(range(0, n, 4 * beat)):
        degree = progression[bar % 4]
        base = root * 2 ** (degree / 12)
        for interval in (0, 4 if rng.random() < 0.5 else 3, 7):
            out[start : start + 4 * beat] += 0.3 * _note(
                base * 2 ** (interval / 12), 4 * beat, rng, bright
            )
        for step in range(8):
            at = start + step * beat // 2
            bass = _note(base / 2, beat // 2, rng, 0.2)
            out[at : at + len(bass)] += 0.5 * bass
        for b in range(4):
            at = start + b * beat
            kick = np.sin(2 * np.pi * (50 + 80 * np.exp(-t[:2000] / 300)) * t[:2000] / RATE)
            out[at : at + 2000] += 0.9 * kick * np.exp(-t[:2000] / 600)
            if b % 2 == 1:
                out[at : at + 2400] += 0.4 * rng.standard_normal(2400) * np.exp(-t[:2400] / 500)
            hat = np.diff(rng.standard_normal(601)) * np.exp(-t[:600] / 120)
            out[at + beat // 2 : at + beat // 2 + 600] += 0.15 * hat
    return unit(out[:n])


def clanks(n: int, rng: np.random.Generator) -> Floats:
    """Plates and dumbbells: inharmonic ringing hits at random times, over a low hum."""
    t = np.arange(n) / RATE
    out = 0.05 * np.sin(2 * np.pi * rng.uniform(50, 120) * t)
    out += 0.05 * np.convolve(rng.standard_normal(n), np.ones(64) / 64, "same")
    for _ in range(max(1, int(n / RATE * rng.uniform(0.5, 2.5)))):
        start = int(rng.integers(0, n))
        length = min(n - start, int(RATE * rng.uniform(0.2, 0.8)))
        ring = np.arange(length) / RATE
        hit = sum(
            np.sin(2 * np.pi * f * ring) * np.exp(-ring * rng.uniform(6, 30))
            for f in rng.uniform(300, 4000, size=4)
        )
        hit += rng.standard_normal(length) * np.exp(-ring * 200)
        out[start : start + length] += rng.uniform(0.5, 2.0) * hit
    return unit(out)


def babble(talk: Floats, talkers: int, n: int, rng: np.random.Generator) -> Floats:
    """`talkers` voices at once, each a random stretch of `talk` (speech end to end)."""
    starts = rng.integers(0, len(talk), size=talkers)
    voices = [np.take(talk, range(s, s + n), mode="wrap") * rng.uniform(0.5, 1.0) for s in starts]
    return unit(np.sum(voices, axis=0))


def room(rt60: float, rng: np.random.Generator, direct_db: float | None = None) -> Floats:
    """An impulse response: the direct path, sparse early reflections, then a diffuse tail that
    decays 60 dB in `rt60` seconds. `direct_db`: direct-to-reverberant energy ratio."""
    length = int(RATE * min(1.2, rt60 * 1.2))
    t = np.arange(length) / RATE
    tail = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)
    onset = int(RATE * rng.uniform(0.002, 0.01))
    tail[:onset] = 0
    for _ in range(8):
        at = int(RATE * rng.uniform(0.003, 0.04))
        tail[at] += rng.uniform(-1, 1) * 3
    # Absorption: a room softens the highs of the reverberation.
    tail = np.convolve(tail, np.ones(4) / 4, "same")
    ratio = direct_db if direct_db is not None else rng.uniform(-3, 8)
    tail *= np.sqrt(1 / (10 ** (ratio / 10) * np.sum(tail**2)))
    tail[0] = 1.0
    return tail.astype(np.float32)


def reverberate(speech: Floats, response: Floats) -> Floats:
    size = len(speech) + len(response) - 1
    fft = 1 << (size - 1).bit_length()
    wet = np.fft.irfft(np.fft.rfft(speech, fft) * np.fft.rfft(response, fft), fft)
    return wet[: len(speech)].astype(np.float32)
