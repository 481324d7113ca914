"""Earcons: the short tones that tell a person a voice command was taken, or that speech was
heard but no command in it, without looking at the screen.

`speaker.Speaker.chime` synthesizes each once, at its output stream's rate, and plays it through
the same player as speech. Pure sine tones with short raised-cosine fades: nothing like a voice
(no harmonics, no formants), no click at either end, and quieter than speech.
"""

from __future__ import annotations

import numpy as np

from companion.audio.pcm import Samples
from companion.speech_out.port import Earcon

Tones = tuple[tuple[float, float], ...]  # (frequency in Hz, seconds), played in turn

# Raised-cosine ramps this long at each tone's ends: a sine switched on or off abruptly clicks.
FADE_S = 0.006
# Peak levels. Speech is rendered near full scale; a cue that is only an acknowledgement stays
# well under it, and the "nothing taken" blip is softer still.
ACCEPTED_LEVEL = 0.35
UNMATCHED_LEVEL = 0.2

# "Taken": two tones rising a fifth (A5 then E6), 120 ms in all, a doorbell-like "ding-ding" up.
ACCEPTED_TONES: Tones = ((880.0, 0.055), (1320.0, 0.065))
# "Heard you, but no command": one low tone (E4), short and soft: nothing like the rising "taken".
UNMATCHED_TONES: Tones = ((330.0, 0.09),)


def synthesize(kind: Earcon, rate: int) -> Samples:
    """The earcon `kind` as float32 samples at `rate`, ready for the player (volume not applied)."""
    if kind is Earcon.ACCEPTED:
        tones, level = ACCEPTED_TONES, ACCEPTED_LEVEL
    else:
        tones, level = UNMATCHED_TONES, UNMATCHED_LEVEL
    return np.concatenate([_tone(hz, seconds, rate) for hz, seconds in tones]) * np.float32(level)


def _tone(hz: float, seconds: float, rate: int) -> Samples:
    """One faded sine tone; it starts and ends at exactly zero, so tones join without a click."""
    n = round(seconds * rate)
    t = np.arange(n) / rate
    envelope = np.ones(n)
    fade = min(round(FADE_S * rate), n // 2)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)  # 0 … just under 1
    envelope[:fade] = ramp
    envelope[n - fade :] = ramp[::-1]
    return (np.sin(2 * np.pi * hz * t) * envelope).astype(np.float32)
