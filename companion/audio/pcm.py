"""Float samples and the integer PCM that WAV files, the clip cache and the recognisers use.

Samples are float32 in [-1, 1]; integer PCM is little-endian, signed (unsigned for 8-bit, as WAV
stores it). 16-bit PCM is one full-scale step of 1/32768, both ways, so a round trip through it
(`quantize`) changes nothing a second time: a fresh clip plays exactly as its cached copy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Samples = NDArray[np.float32]

FULL_SCALE_16 = 32768.0


def to_int16(samples: Samples) -> NDArray[np.int16]:
    """Rounded to the nearest step; beyond full scale is clipped, not wrapped."""
    return np.clip(np.round(samples * FULL_SCALE_16), -32768, 32767).astype("<i2")


def to_pcm16(samples: Samples) -> bytes:
    """The little-endian 16-bit bytes recognisers take and WAV files hold."""
    return to_int16(samples).tobytes()


def from_pcm(raw: bytes, width: int) -> Samples:
    """Integer PCM of `width` bytes a sample (1: unsigned 8-bit; 2, 3, 4: signed) as samples.

    `raw` must hold whole samples.
    """
    if width == 1:
        return ((np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128).astype(np.float32)
    if width == 2:
        return (np.frombuffer(raw, "<i2") / FULL_SCALE_16).astype(np.float32)
    if width == 3:
        # numpy has no 24-bit type: put each sample in the top three bytes of an int32.
        words = np.zeros((len(raw) // 3, 4), np.uint8)
        words[:, 1:] = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        return (words.view("<i4")[:, 0] / float(1 << 31)).astype(np.float32)
    if width == 4:
        return (np.frombuffer(raw, "<i4") / float(1 << 31)).astype(np.float32)
    raise ValueError(f"{width}-byte integer samples are not PCM")


def from_pcm16(pcm: bytes) -> Samples:
    """Little-endian 16-bit bytes (a recogniser's input, a 16-bit WAV's frames) as samples."""
    return from_pcm(pcm, 2)


def quantize(samples: Samples) -> Samples:
    """What `samples` become once stored as 16-bit PCM."""
    return from_pcm16(to_pcm16(samples))
