"""Slowing speech down without changing its pitch (WSOLA: waveform-similarity overlap-add).

`moonshine_engine` lets the model hear each utterance slowed down: short commands said quickly
are often clipped, and the model transcribes them better at a more leisurely pace.

Output frames are laid out at a fixed hop and taken from the input at a shorter hop (`rate` times
the output's), each one shifted by up to `SEEK` samples to where it best continues the waveform
of the frame before it, so the overlap-add does not cancel or double the periodic parts.
"""

from __future__ import annotations

import numpy as np

from companion.audio.pcm import Samples

# 64 ms frames, moved by up to 15 ms. In the one-off experiment described at
# moonshine_engine.RATE, 32 ms frames (moved by 8 ms) and 96 ms frames each left fewer clean
# training commands accepted and right (90.4 % and 88.5 %) than these did (92.9 %).
FRAME = 1024
HOP = FRAME // 2  # Hann windows at half overlap sum to one
SEEK = 240


def slowed(samples: Samples, rate: float) -> Samples:
    """`samples` at `rate` times their speed (0 < rate <= 1), at the same pitch, as float32.

    The first `HOP` samples fade in (the first window has no frame before it to overlap); the
    engine pads utterances with silence, so only the padding fades.
    """
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], not {rate}")
    if rate == 1 or len(samples) < FRAME + 2 * SEEK:
        unchanged: Samples = samples.astype(np.float32, copy=False)
        return unchanged
    window = np.hanning(FRAME + 1)[:FRAME].astype(np.float32)  # periodic: sums to 1 at HOP
    # Room for the first frame's search before the start and the last frame's after the end.
    lead, tail = np.zeros(SEEK, np.float32), np.zeros(2 * (FRAME + SEEK), np.float32)
    padded = np.concatenate([lead, samples.astype(np.float32), tail])
    frames = int((len(samples) / rate) // HOP) + 1
    out = np.zeros(frames * HOP + FRAME, np.float32)
    previous = SEEK  # where the last frame was taken from, in `padded`
    for k in range(frames):
        nominal = SEEK + round(k * HOP * rate)
        if k == 0:
            start = nominal
        else:
            # The waveform that would naturally follow the previous frame.
            follow = padded[previous + HOP : previous + HOP + FRAME]
            region = padded[nominal - SEEK : nominal + SEEK + FRAME]
            fit = np.correlate(region, follow, mode="valid")
            start = nominal - SEEK + int(np.argmax(fit))
        out[k * HOP : k * HOP + FRAME] += window * padded[start : start + FRAME]
        previous = start
    result: Samples = out[: int(len(samples) / rate)]
    return result
