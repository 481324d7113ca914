"""Echo cancellation: the companion's own voice subtracted from the microphone.

The companion knows every sample it plays. `PlaybackReference` keeps what the player wrote, on
the player's sample clock (written from the audio callback); `EchoCanceller` reads, for each
microphone block, the reference for the same moments and hands both to Speex's adaptive filter
(`audio.speex`), which models the path from speaker to microphone (delay, room, level) and
subtracts that estimate of the echo. Nothing suppresses what is left: a suppressor also eats the
person's words while the companion speaks (WebRTC's AEC3 did; benchmarks/TUNING.md, "Echo").

Alignment: both streams are put on the monotonic clock by `companion.audio.clock.SampleClock`
(the DAC time of the player's samples, the ADC time of the microphone's). The canceller reads
the reference at the microphone block's capture time (a little ahead, `lead_s`), so what remains
is the acoustic path itself plus the clocks' error, which the filter's length (`tail_s`) covers.
The reference is read continuously (one cursor, advanced by exactly the samples consumed) and
re-anchored only when the clocks disagree by more than `reanchor_s`, so the filter never sees the
reference jitter against the echo.

Who calls it: the player's callback writes (`PlaybackReference.write`); the listener's thread
reads through `EchoCanceller.process` before voice detection and recognition.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from companion.audio.pcm import Samples
from companion.audio.resample import Resampler
from companion.audio.speex import SpeexEcho

FRAME_S = 0.01  # the canceller's frame: 10 ms


@dataclass(frozen=True)
class EchoTuning:
    """Measured knobs of echo cancellation; the evidence is in benchmarks/TUNING.md (Echo)."""

    history_s: float = 4.0
    """How much of what was played is kept for the canceller to read back."""
    reanchor_s: float = 0.002
    """The reference cursor is moved when the clocks disagree by more than this."""
    lead_s: float = 0.01
    """The reference is read this far ahead of the microphone's time stamps, so an error of the
    clocks that makes the echo seem to come before its sound is still covered."""
    tail_s: float = 0.256
    """How long an echo (the room's reverberation) the adaptive filter models."""
    quiet_rms: float = 1e-4
    """A reference quieter than this means the companion is not speaking."""


class PlaybackReference:
    """What the player wrote, by its sample clock, for the echo canceller to read back.

    `write` runs in the audio callback: one copy into a ring, under a lock held for microseconds.
    """

    def __init__(self, tuning: EchoTuning = EchoTuning()) -> None:
        self.tuning = tuning
        self.rate = 0  # set by `open`: the output stream's rate
        self._ring = np.zeros(1, np.float32)
        self._lock = threading.Lock()
        self._written = 0  # frames written in all, by the player's frame counter
        self._origin: float | None = None  # monotonic DAC time of frame 0

    def open(self, rate: int) -> None:
        """A (new) output stream at `rate` starts at frame 0: forget what the last one played."""
        with self._lock:
            self.rate = rate
            self._ring = np.zeros(max(1, round(self.tuning.history_s * rate)), np.float32)
            self._written = 0
            self._origin = None

    def write(self, samples: Samples, frame: int, origin: float) -> None:
        """`samples` were written starting at player frame `frame`; frame 0 plays at `origin`."""
        n = len(samples)
        size = len(self._ring)
        with self._lock:
            self._origin = origin
            if n >= size:
                samples, frame, n = samples[-size:], frame + n - size, size
            start = frame % size
            first = min(n, size - start)
            self._ring[start : start + first] = samples[:first]
            self._ring[: n - first] = samples[first:]
            self._written = frame + n

    def frame_at(self, time: float) -> int | None:
        """The player frame that reaches the speaker at monotonic `time` (None: never played)."""
        with self._lock:
            if self._origin is None or not self.rate:
                return None
            return round((time - self._origin) * self.rate)

    def read(self, frame: int, n: int) -> Samples:
        """`n` frames from player frame `frame`; silence where nothing was (or is still) kept."""
        out = np.zeros(n, np.float32)
        size = len(self._ring)
        with self._lock:
            lo = max(frame, self._written - size, 0)
            hi = min(frame + n, self._written)
            for a in range(lo, hi, size):
                b = min(hi, a + size)
                start = a % size
                first = min(b - a, size - start)
                out[a - frame : a - frame + first] = self._ring[start : start + first]
                out[a - frame + first : b - frame] = self._ring[: b - a - first]
        return out


class EchoCanceller:
    """Removes the companion's voice from microphone audio at `rate` (16 kHz for recognition).

    Not thread-safe: one listener thread calls `process`.
    """

    def __init__(self, reference: PlaybackReference, rate: int) -> None:
        self.rate = rate
        self.reference = reference
        self.tuning = reference.tuning
        self._frame = round(rate * FRAME_S)
        self._speex = SpeexEcho(rate, self._frame, round(self.tuning.tail_s * rate))
        self._resampler = Resampler(max(1, reference.rate), rate)
        self._far_backlog = np.zeros(0, np.float32)  # resampled reference not yet used
        self._next: float | None = None  # the player frame the next microphone sample meets
        self._fed = 0  # the next player frame for the resampler
        self._carry_near = np.zeros(0, np.float32)
        self._carry_far = np.zeros(0, np.float32)
        self.speaking = False  # whether the reference of the last block held the voice

    def process(self, block: Samples, started: float) -> Samples:
        """Microphone `block` (mono, at `rate`) whose first sample was captured at `started`
        (monotonic) → the same audio with the echo removed, delayed by a few ms."""
        far = self._far(len(block), started)
        self.speaking = bool(len(far)) and float(np.sqrt(np.mean(far**2))) > self.tuning.quiet_rms
        near = np.concatenate([self._carry_near, np.asarray(block, np.float32)])
        far = np.concatenate([self._carry_far, far])
        usable = len(near) - len(near) % self._frame
        out = np.empty(usable, np.float32)
        for i in range(0, usable, self._frame):
            out[i : i + self._frame] = self._speex.process(
                near[i : i + self._frame], far[i : i + self._frame]
            )
        self._carry_near, self._carry_far = near[usable:], far[usable:]
        return out

    def _far(self, n: int, started: float) -> Samples:
        """The reference for `n` microphone samples from `started`, at `rate`.

        The resampler holds back its newest samples (without shifting any), so the reference is
        fed ahead of the microphone until enough has come out: the player has written it by
        then, as it writes a buffer ahead of what the speaker plays."""
        ratio = self.reference.rate / self.rate
        wanted = self.reference.frame_at(started + self.tuning.lead_s)
        if wanted is None:
            return np.zeros(n, np.float32)
        limit = self.tuning.reanchor_s * self.reference.rate
        if self._resampler.source_rate != self.reference.rate:  # the output stream was reopened
            self._next = None
        if self._next is None or abs(wanted - self._next) > limit:
            self._next = float(wanted)
            self._fed = wanted
            self._resampler = Resampler(self.reference.rate, self.rate)
            self._far_backlog = np.zeros(0, np.float32)
        while len(self._far_backlog) < n:
            take = max(1, round((n - len(self._far_backlog)) * ratio))
            fresh = self._resampler.process(self.reference.read(self._fed, take))
            self._fed += take
            self._far_backlog = np.concatenate([self._far_backlog, fresh])
        far, self._far_backlog = self._far_backlog[:n], self._far_backlog[n:]
        self._next += n * ratio
        return far
