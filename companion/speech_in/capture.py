"""The microphone: a sounddevice InputStream feeding a bounded queue, plus resampling to 16 kHz.

`listener.Listener` owns a `Capture` and reads its blocks on the recognizer thread;
`pipeline` uses `Resampler` for WAV files of any rate. The PortAudio callback only copies and
enqueues: when the recognizer falls behind, blocks are dropped and counted, never hidden.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from companion.audio.pcm import Samples
from companion.speech_in.engine import SAMPLE_RATE

BLOCK_S = 0.05  # 50 ms blocks: small enough for quick decisions, large for little overhead
QUEUE_BLOCKS = 60  # 3 s of audio may wait before blocks are dropped


class Resampler:
    """Streaming rate conversion: windowed-sinc low-pass (when going down), then linear
    interpolation. State carries across calls so block boundaries leave no seams."""

    def __init__(self, source_rate: int, target_rate: int = SAMPLE_RATE, taps: int = 63) -> None:
        self.source_rate = source_rate
        self.target_rate = target_rate
        self._step = source_rate / target_rate
        self._filter: Samples | None = None
        if source_rate > target_rate:
            cutoff = 0.45 * target_rate / source_rate  # cycles per input sample, below Nyquist
            n = np.arange(taps) - (taps - 1) / 2
            kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
            self._filter = (kernel / kernel.sum()).astype(np.float32)
            self._history = np.zeros(taps - 1, dtype=np.float32)
        self._last = np.float32(0.0)
        self._position = 1.0  # of the next output sample, in input samples after `_last`

    def process(self, block: Samples) -> Samples:
        if self.source_rate == self.target_rate:
            same: Samples = np.asarray(block, dtype=np.float32)
            return same
        if self._filter is not None:
            padded = np.concatenate([self._history, block])
            self._history = padded[len(padded) - len(self._history) :]
            block = np.convolve(padded, self._filter, mode="valid").astype(np.float32)
        joined = np.concatenate([[self._last], block]).astype(np.float32)
        end = len(joined) - 1
        positions = np.arange(self._position, end, self._step) if end > 0 else np.empty(0)
        out: Samples = np.interp(positions, np.arange(len(joined)), joined).astype(np.float32)
        next_position = (positions[-1] + self._step) if len(positions) else self._position
        self._position = next_position - end
        self._last = joined[-1]
        return out


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


@dataclass(frozen=True)
class Block:
    samples: Samples  # mono, at the stream's rate
    ended: float  # monotonic time its last sample reached the microphone


class Capture:
    """One input stream. `read()` returns blocks in order; `overflows` counts lost audio."""

    def __init__(self, device: str | int | None = None) -> None:
        self.device = device
        self.rate = SAMPLE_RATE
        self._queue: queue.Queue[Block] = queue.Queue(maxsize=QUEUE_BLOCKS)
        self._lock = threading.Lock()
        self._overflows = 0
        self._latency = 0.0
        self._stream: Any = None

    @property
    def overflows(self) -> int:
        with self._lock:
            return self._overflows

    def open(self) -> None:
        """Open at 16 kHz if the device allows it, else at its own rate (resampled later)."""
        import sounddevice as sd

        try:
            self._stream = self._make_stream(sd, SAMPLE_RATE)
        except sd.PortAudioError:
            info = sd.query_devices(self.device, kind="input")
            self._stream = self._make_stream(sd, int(info["default_samplerate"]))
        self.rate = int(self._stream.samplerate)
        self._latency = float(self._stream.latency)
        self._stream.start()

    def _make_stream(self, sd: Any, rate: int) -> Any:
        return sd.InputStream(
            device=self.device,
            channels=1,
            samplerate=rate,
            dtype="float32",
            blocksize=int(rate * BLOCK_S),
            latency="low",
            callback=self._callback,
        )

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        # The audio of this block left the microphone about one input latency ago.
        ended = time.monotonic() - self._latency
        lost = bool(status.input_overflow)
        try:
            self._queue.put_nowait(Block(indata[:, 0].copy(), ended))
        except queue.Full:
            lost = True
        if lost:
            with self._lock:
                self._overflows += 1

    def read(self, timeout: float) -> Block | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
