"""Turning down what is well below an utterance's loudest parts (a downward expander).

In a noisy room the endpointer's cut holds the person's words and the room around and between
them at nearly the same level. Turning down the frames that are much quieter than the cut's loud
ones leaves the words louder than the room the model hears with them. The settings and what they
were measured to do: benchmarks/TUNING.md, "Moonshine".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from companion.audio.pcm import Samples
from companion.speech_in.engine import SAMPLE_RATE

FRAME = SAMPLE_RATE // 50  # 20 ms: shorter than a syllable, long enough for a steady level


@dataclass(frozen=True)
class Expander:
    """How far below the loud frames a frame is turned down, and by how much."""

    loud_percentile: float = 90.0  # the cut's loud level: this percentile of its frames' levels
    below_db: float = 8.0  # a frame up to this far under the loud level is left as it is
    ratio: float = 1.0  # dB turned down for each dB further under
    max_db: float = 20.0  # the most any frame is turned down


def expanded(samples: Samples, expander: Expander) -> Samples:
    """`samples` (float audio, full scale 1) with frames far below the loud ones turned down, as
    float32.

    The loud level is a percentile of every frame's, silent ones too: the engine passes the cut
    with its padding (`MoonshineTuning.pad_s` of silence either side), so the shorter the cut,
    the lower that percentile falls among its voiced frames, and the less the room is turned
    down. That is how it was measured (benchmarks/TUNING.md, "Moonshine").

    A frame is turned down only as far as the least of its own and its neighbours' attenuation,
    so a quiet frame next to a loud one (a word's first or last) keeps its level at its centre.
    Gains are interpolated between frame centres, so no step is heard at a frame's edge."""
    frames = len(samples) // FRAME
    if frames < 3:  # too short to tell the words from the room
        return samples.astype(np.float32, copy=False)
    power = np.mean(
        np.square(samples[: frames * FRAME].reshape(frames, FRAME), dtype=np.float64), axis=1
    )
    level = 10 * np.log10(power + 1e-12)
    loud = np.percentile(level, expander.loud_percentile)
    under = np.clip(loud - expander.below_db - level, 0.0, None)
    attenuation = np.minimum(under * expander.ratio, expander.max_db)
    edged = np.pad(attenuation, 1, mode="edge")
    attenuation = np.minimum(np.minimum(edged[:-2], edged[1:-1]), edged[2:])
    centres = np.arange(frames) * FRAME + FRAME / 2
    gain = np.interp(np.arange(len(samples)), centres, 10 ** (-attenuation / 20))
    result: Samples = (samples * gain).astype(np.float32)
    return result
