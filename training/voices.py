"""The four voice families allowed for training, rendered with random voice, variant and speed.
Held-out figures come from training on two families and measuring on the other two."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# Rendering is the benchmarks' own (corpus.render, neural_voices.render): one way to speak.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import corpus
from sounds import Floats

FAMILIES = ("espeak", "piper", "flite", "hibari")
# Each direction trains on its pair and is measured on the other pair.
DIRECTIONS = {"espeak+piper": ("espeak", "piper"), "flite+hibari": ("flite", "hibari")}
ESPEAK_VOICES = (
    "en", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029",
    "en-us-nyc",
)  # fmt: skip
ESPEAK_VARIANTS = (
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
    "klatt4", "croak", "whisper", "andy", "annie", "Andrea", "Denis", "Mario", "steph", "paul",
)  # fmt: skip
FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
NEURAL = {"piper": "piper:joe", "hibari": "hibari:heart"}


def render(family: str, text: str, rng: np.random.Generator) -> tuple[str, Floats]:
    """(voice description, 16 kHz samples) of `text` in a random voice of `family`."""
    speed = int(rng.integers(130, 221))
    if family == "espeak":
        voice = f"{rng.choice(ESPEAK_VOICES)}+{rng.choice(ESPEAK_VARIANTS)}"
    elif family == "flite":
        voice = f"flite:{rng.choice(FLITE_VOICES)}"
    else:
        voice = NEURAL[family]
    return f"{voice}/{speed}", corpus.trim(corpus.render(text, voice, speed))


def perturb(speech: Floats, rng: np.random.Generator) -> Floats:
    """Speed and pitch together, by resampling (a factor of 0.88-1.12)."""
    factor = rng.uniform(0.88, 1.12)
    positions = np.arange(0, len(speech) - 1, factor)
    return np.interp(positions, np.arange(len(speech)), speech).astype(np.float32)
