"""The microphone: a sounddevice InputStream feeding a bounded queue.

`listener.Listener` owns a `Capture` and reads its blocks on the recognizer thread (converting
them to 16 kHz with `companion.audio.resample.Resampler` when the device cannot record at that
rate). The PortAudio callback only copies and enqueues: when the recognizer falls behind, blocks
are dropped and counted, never hidden. `lost()` tells the listener when the stream died (the
audio server went away), so it can open a new `Capture`.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from companion.audio import devices
from companion.audio.clock import SampleClock
from companion.audio.pcm import Samples
from companion.speech_in.engine import SAMPLE_RATE

BLOCK_S = 0.05  # 50 ms blocks: small enough for quick decisions, large for little overhead
QUEUE_BLOCKS = 60  # 3 s of audio may wait before blocks are dropped
# No block for this long: the microphone is gone (blocks come every 50 ms while it works).
STALL_S = 3.0
# A new stream may take longer to deliver its first block: through PulseAudio on a busy two-core
# machine, a new stream's first callbacks came a second or more late.
SETTLE_S = 10.0


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
        self._last_block: float | None = None  # monotonic time of the latest callback
        self._opened = 0.0
        self._finished = False

    @property
    def overflows(self) -> int:
        with self._lock:
            return self._overflows

    def open(self) -> None:
        """Open at 16 kHz if the device allows it, else at its own rate (resampled later)."""
        import sounddevice as sd

        devices.opened()
        try:
            try:
                self._stream = self._make_stream(sd, SAMPLE_RATE)
            except sd.PortAudioError:
                info = sd.query_devices(self.device, kind="input")
                self._stream = self._make_stream(sd, int(info["default_samplerate"]))
            self.rate = int(self._stream.samplerate)
            self._latency = float(self._stream.latency)
            self._clock = SampleClock(self.rate)
            self._opened = time.monotonic()
            self._stream.start()
        except BaseException:
            if self._stream is None:
                devices.closed()
            else:
                self.close()  # reports it closed
            raise

    def _make_stream(self, sd: Any, rate: int) -> Any:
        return sd.InputStream(
            device=self.device,
            channels=1,
            samplerate=rate,
            dtype="float32",
            blocksize=int(rate * BLOCK_S),
            latency="low",
            callback=self._callback,
            finished_callback=self._on_finished,
        )

    def _on_finished(self) -> None:
        self._finished = True  # closing sets it too: `lost()` is only asked while open

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        now = time.monotonic()
        self._last_block = now
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

    def lost(self) -> str | None:
        """Why the open stream is dead, or None while it works (or may still be settling)."""
        if self._finished:
            return "the input stream stopped"
        now = time.monotonic()
        if self._last_block is None:
            if now - self._opened > SETTLE_S:
                return f"no sound from it for over {SETTLE_S:.0f} s"
        elif now - self._last_block > STALL_S:
            return f"no sound from it for over {STALL_S:.0f} s"
        return None

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            finally:
                devices.closed()

    def abandon(self) -> None:
        """Close a lost stream on a thread of its own: closing a stream whose device vanished
        can block, and the listener has a new one to open."""
        threading.Thread(target=self._close_quietly, name="speech-in-close", daemon=True).start()

    def _close_quietly(self) -> None:
        # The device is gone already: an error here leaves nothing to release cleanly.
        with contextlib.suppress(Exception):
            self.close()
