"""Rendered speech as arrays: checking, trimming, and the on-disk clip cache.

Used by `render.Renderer` (which owns the pyttsx3 worker) and by `speaker.Speaker` (which keeps
the in-memory cache of playable clips).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import numpy as np

from companion.audio.pcm import Samples
from companion.audio.wav import read_wav, write_wav

# Bump when trimming or the file format changes, so stale cached clips are not reused.
CACHE_VERSION = 1

# Samples quieter than this (about -46 dBFS) count as silence when trimming.
SILENCE = 0.005
# Kept before the first audible sample: the onset is what a count is scheduled by.
LEAD_PAD_S = 0.002
# Kept after the last audible sample, so a fading consonant is not clipped.
TRAIL_PAD_S = 0.03


class BadRender(Exception):
    """A rendered file that is empty, truncated, silent or of implausible length."""


def read_clip(path: Path) -> tuple[Samples, int]:
    """A rendered or cached clip and its rate; one that is unreadable or not completely written
    yet (its header promises more audio than there is) is a BadRender."""
    try:
        return read_wav(path, whole=True)
    except ValueError as err:
        raise BadRender(str(err)) from err


def check_render(text: str, samples: Samples, rate: int, words_per_minute: int) -> None:
    """Reject what `save_to_file` is known to produce when it races: nothing, or a stub."""
    seconds = len(samples) / rate
    words = max(1, len(text.split()))
    if len(samples) == 0:
        raise BadRender(f"{text!r}: empty audio")
    # espeak at its fastest rate still takes well over 50 ms per word; a file shorter than that
    # was read before it was complete.
    if seconds < 0.05 * words:
        raise BadRender(f"{text!r}: {seconds:.3f} s is too short")
    # A plausibility ceiling, far above any real rendering: at 175 words a minute espeak-ng took
    # at most 1.5 s for one character (an emoji, read out by its name), about 0.8 s for a CJK
    # character or a digit, and well under 0.1 s per letter of English; slower rates stretch that.
    ceiling = 2.0 + 3.0 * len(text) * 175 / words_per_minute
    if seconds > ceiling:
        raise BadRender(f"{text!r}: {seconds:.1f} s is too long")
    if float(np.max(np.abs(samples))) < SILENCE * 4:
        raise BadRender(f"{text!r}: silent")


def trim(samples: Samples, rate: int) -> Samples:
    """Cut leading and trailing silence, keeping a tiny lead-in and a short tail."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if len(loud) == 0:
        return samples[:0]
    start = max(0, int(loud[0]) - int(LEAD_PAD_S * rate))
    end = min(len(samples), int(loud[-1]) + 1 + int(TRAIL_PAD_S * rate))
    return np.ascontiguousarray(samples[start:end])


class DiskCache:
    """Trimmed clips at the renderer's rate, one WAV per (text, voice, rate), under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, text: str, voice: str | None, rate: int) -> Path:
        key = json.dumps([CACHE_VERSION, text, voice, rate], ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.directory / f"{digest[:32]}.wav"

    def load(self, text: str, voice: str | None, rate: int) -> tuple[Samples, int] | None:
        path = self.path(text, voice, rate)
        if not path.exists():
            return None
        try:
            return read_clip(path)
        except BadRender:
            # A broken entry is re-rendered rather than played (and replaced, where it can be).
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            return None

    def store(self, text: str, voice: str | None, rate: int, samples: Samples, sr: int) -> None:
        # A read-only or full cache only costs a re-render next session.
        with contextlib.suppress(OSError):
            write_wav(self.path(text, voice, rate), samples, sr)
