"""Builds the benchmark corpus for `benchmarks/commands.py`: espeak-ng, flite and neural-voice
renderings of every command phrase and of non-command speech (the companion's own cues and counts,
gym chatter), in several voices and speeds, padded with silence and mixed with noise at a chosen
SNR."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import neural_voices
import numpy as np
import real_speech

from companion.audio.pcm import Samples
from companion.audio.resample import resample
from companion.audio.wav import read_wav
from companion.speech_in.engine import SAMPLE_RATE

# Tuning may look at TRAIN only; HELD_OUT has other voices, other speeds and another noise type,
# so its numbers show how far tuning carried beyond what it saw (still all espeak-ng).
TRAIN_VOICES = ("en-us+m3", "en+m1", "en-us+f2")
TRAIN_SPEEDS = (140, 185)
# "chatter": synthetic babble, made of training voices only (real babble is held out).
TRAIN_NOISES = ("white", "pink", "chatter")
HELD_OUT_VOICES = ("en-us+f4", "en-gb-x-rp+m5", "en-029+f3")
HELD_OUT_SPEEDS = (160, 210)
HELD_OUT_NOISES = ("clank",)
# Another synthesizer altogether (flite: diphone and statistical voices), also held out.
OTHER_SYNTH_VOICES = ("flite:awb", "flite:rms", "flite:slt", "flite:kal16")
OTHER_SYNTH_SPEEDS = (150, 190)
# Neural voices (see neural_voices.py), under babble made from recordings of people talking:
# the closest to a person here, in the noise least like any that tuning saw.
NEURAL_VOICES = neural_voices.VOICES
NEURAL_SPEEDS = (150, 200)
NEURAL_NOISES = ("babble",)
# Talkers overlaid in babble: enough that no one of them is easily followed, as in a busy gym.
BABBLE_TALKERS = 4
NON_COMMANDS = (
    # the companion's own cues and counts
    "one",
    "two",
    "three",
    "four",
    "five",
    "ten more seconds",
    "get ready for squats",
    "rest for sixty seconds",
    "halfway there",
    "last rep",
    "set two of three",
    # gym chatter
    "nice work that was a good set",
    "how many sets do we have left",
    "can you hand me the water bottle",
    "i think i need more weight",
    "let's go again",
    "where did you put my phone",
    "that was pretty heavy",
    "keep your back straight",
    "breathe out on the way up",
)
# Room before each utterance. A live listener has been hearing the room for a while; a fresh one
# needs up to MAX_SEGMENT_S (4 s) to learn a loud room, so a short lead would measure that cold
# start (segments held open to the end of the file) instead of listening as it is in a session.
LEAD_S = 5.0
TRAIL_S = 1.0


@dataclass(frozen=True)
class Utterance:
    text: str
    expected: str | None  # command name, None for non-command speech
    voice: str
    samples: Samples  # 16 kHz, speech between LEAD_S and speech_end_s
    speech_end_s: float


def render(text: str, voice: str, speed: int) -> Samples:
    """`voice`: an espeak-ng voice, "flite:NAME" or one of neural_voices.VOICES; `speed` in words
    per minute."""
    if voice in neural_voices.VOICES:
        return neural_voices.render(text, voice, speed)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "x.wav"
        if voice.startswith("flite:"):
            # flite has no words-per-minute setting; 175 wpm is about its normal pace.
            stretch = f"duration_stretch={175 / speed:.3f}"
            command = ["flite", "-voice", voice[6:], "--setf", stretch, "-t", text, "-o", str(path)]
        else:
            command = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text]
        subprocess.run(command, check=True)
        samples, rate = read_wav(path)
    return resample(samples, rate, SAMPLE_RATE)


def trim(samples: Samples, floor: float = 0.01) -> Samples:
    loud = np.flatnonzero(np.abs(samples) > floor)
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples


def build(
    phrases: dict[str, str],
    voices: tuple[str, ...] = TRAIN_VOICES,
    speeds: tuple[int, ...] = TRAIN_SPEEDS,
) -> list[Utterance]:
    """`phrases`: phrase -> command. Every phrase and non-command in every voice and speed."""
    items: list[tuple[str, str | None]] = [*phrases.items(), *((t, None) for t in NON_COMMANDS)]
    return [
        placed(text, expected, f"{voice}/{speed}", render(text, voice, speed))
        for text, expected in items
        for voice in voices
        for speed in speeds
    ]


def placed(text: str, expected: str | None, voice: str, speech: Samples) -> Utterance:
    """`speech` trimmed, brought to one level, and set between LEAD_S of room and TRAIL_S."""
    speech = trim(speech)
    speech = (speech * (0.3 / max(1e-6, float(np.max(np.abs(speech)))))).astype(np.float32)
    lead = np.zeros(int(LEAD_S * 16000), np.float32)
    trail = np.zeros(int(TRAIL_S * 16000), np.float32)
    samples = np.concatenate([lead, speech, trail])
    return Utterance(text, expected, voice, samples, LEAD_S + len(speech) / 16000)


@cache
def talk(kind: str) -> Samples:
    """What babble is made of, end to end, each part at unit RMS: for "babble" every real_speech
    recording, for "chatter" (its synthetic stand-in, made of training material only) the
    training voices saying the non-command sentences."""
    if kind == "babble":
        parts = [s for _, s in real_speech.recordings()]
    else:
        parts = [render(t, v, 170) for t in NON_COMMANDS for v in TRAIN_VOICES]
    return np.concatenate([s / np.sqrt(np.mean(s**2)) for s in parts])


def noise(kind: str, n: int, rng: np.random.Generator) -> Samples:
    """White, pink-ish (gym hum / fans), clank (impulses over low hum), babble (real people
    talking over each other) or chatter (synthetic voices talking over each other) noise, unit
    RMS."""
    if kind in ("babble", "chatter"):
        material = talk(kind)
        starts = rng.integers(0, len(material), size=BABBLE_TALKERS)
        shaped = np.sum([np.take(material, range(s, s + n), mode="wrap") for s in starts], axis=0)
    elif kind == "white":
        shaped = rng.standard_normal(n)
    elif kind == "pink":
        spectrum = np.fft.rfft(rng.standard_normal(n))
        spectrum /= np.sqrt(np.maximum(1, np.arange(len(spectrum))))
        shaped = np.fft.irfft(spectrum, n)
    else:
        shaped = 0.3 * np.convolve(rng.standard_normal(n), np.ones(32) / 32, "same")
        for start in rng.integers(0, max(1, n - 800), size=max(1, n // 8000)):
            shaped[start : start + 800] += rng.standard_normal(800) * np.exp(-np.arange(800) / 150)
    unit: Samples = (shaped / np.sqrt(np.mean(shaped**2))).astype(np.float32)
    return unit


def mix(utterance: Utterance, snr_db: float | None, kind: str, rng: np.random.Generator) -> Samples:
    if snr_db is None:
        return utterance.samples
    start = int(LEAD_S * 16000)
    end = int(utterance.speech_end_s * 16000)
    power = float(np.mean(utterance.samples[start:end] ** 2))
    scale = np.sqrt(power / 10 ** (snr_db / 10))
    mixed: Samples = (utterance.samples + scale * noise(kind, len(utterance.samples), rng)).astype(
        np.float32
    )
    return mixed
