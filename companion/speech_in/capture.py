"""The microphone: a sounddevice InputStream feeding a bounded queue.

`listener.Listener` owns a `Capture` and reads its blocks on the recognizer thread (converting
them to 16 kHz with `companion.audio.resample.Resampler` when the device cannot record at that
rate). The PortAudio callback only copies and enqueues: when the recognizer falls behind, blocks
are dropped and counted, never hidden.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from companion.audio.clock import SampleClock
from companion.audio.pcm import Samples
from companion.speech_in.engine import SAMPLE_RATE

BLOCK_S = 0.05  # 50 ms blocks: small enough for quick decisions, large for little overhead
QUEUE_BLOCKS = 60  # 3 s of audio may wait before blocks are dropped


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


@dataclass(frozen=True)
class Block:
    samples: Samples  # mono, at the stream's rate
    started: float  # monotonic time its first sample reached the converter (the stream's clock)
    ended: float  # ... and its last


class Capture:
    """One input stream. `read()` returns blocks in order; `overflows` counts lost audio."""

    def __init__(self, device: str | int | None = None) -> None:
        self.device = device
        self.rate = SAMPLE_RATE
        self._queue: queue.Queue[Block] = queue.Queue(maxsize=QUEUE_BLOCKS)
        self._lock = threading.Lock()
        self._overflows = 0
        self._latency = 0.0
        self._clock = SampleClock(self.rate)
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
        self._clock = SampleClock(self.rate)
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
        now = time.monotonic()
        # When the first sample was captured, by the stream's clock; a backend that does not say
        # is taken to deliver a block about one input latency after its last sample.
        adc = time_info.inputBufferAdcTime or (
            time_info.currentTime - self._latency - frames / self.rate
        )
        started = self._clock.advance(frames, adc, time_info.currentTime, now)
        lost = bool(status.input_overflow)
        try:
            self._queue.put_nowait(
                Block(indata[:, 0].copy(), started, started + frames / self.rate)
            )
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
