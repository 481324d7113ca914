"""Sample-rate conversion, by libsoxr (the `soxr` package).

`speech_out.render` converts each rendered clip, whole, to the output stream's rate (`resample`);
`speech_in.listener` and `speech_in.pipeline` convert a microphone's or a file's audio to the
recognisers' rate block by block (`Resampler`). Why soxr rather than code of our own, and why its
"HQ" setting: the numbers in benchmarks/TUNING.md, "Resampling".
"""

from __future__ import annotations

import numpy as np
import soxr

from companion.audio.pcm import Samples

# soxr's default: flat to 91 % of the lower Nyquist, aliases below -130 dB, about 20 ms held back
# by a stream. "MQ" and "LQ" hold back little less (benchmarks/resample.py compares them).
QUALITY = "HQ"


def resample(samples: Samples, source: int, target: int) -> Samples:
    """`samples` at `target` Hz instead of `source`, as long in time (to the nearest sample)."""
    if source == target or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    out: Samples = soxr.resample(
        np.ascontiguousarray(samples, np.float32), source, target, quality=QUALITY
    )
    return out


class Resampler:
    """Streaming conversion: blocks in, blocks out, and no trace of where one block ended.

    The filter keeps the newest ~20 ms until later blocks push them out, so the output lags the
    input by that much (the samples themselves are not shifted); `last=True` flushes them at the
    end of a recording. At equal rates blocks pass through untouched, with no lag.
    """

    def __init__(self, source_rate: int, target_rate: int) -> None:
        self.source_rate = source_rate
        self.target_rate = target_rate
        self._stream = (
            None
            if source_rate == target_rate
            else soxr.ResampleStream(source_rate, target_rate, 1, dtype="float32", quality=QUALITY)
        )

    def process(self, block: Samples, last: bool = False) -> Samples:
        if self._stream is None:
            same: Samples = np.asarray(block, dtype=np.float32)
            return same
        out: Samples = self._stream.resample_chunk(
            np.ascontiguousarray(block, np.float32), last=last
        )
        return out
