"""Echo cancellation: the companion's own voice subtracted from the microphone.

The companion knows every sample it plays. `PlaybackReference` keeps what the player wrote, on
the player's sample clock (written from the audio callback); `EchoCanceller` reads, for each
microphone block, the reference for the same moments and hands both to Speex's adaptive filter
(`audio.speex`), which models the path from speaker to microphone (delay, room, level) and
subtracts that estimate of the echo. Nothing suppresses what is left: a suppressor also eats the
person's words while the companion speaks (WebRTC's AEC3 did; benchmarks/TUNING.md, "Echo").

Alignment: both streams are put on the monotonic clock by `companion.audio.clock.SampleClock`
(the DAC time of the player's samples, the ADC time of the microphone's). The canceller first reads
the reference at the microphone block's capture time; once the echo is found in the signals it is
placed `hold_s` behind the reference, so the filter's length (`tail_s`) covers the room.
The reference is read continuously (one cursor, advanced by the samples consumed). The two
devices' clocks drift apart, and their time stamps are too rough to follow that, so the echo's lag
behind the reference is measured from the signals (`LagMeter`) and held where it was first found,
a frame at a time; the cursor jumps only when the output stream restarts.

Who calls it: the player's callback writes (`PlaybackReference.write`); the listener's thread
reads through `EchoCanceller.process` before voice detection and recognition.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np

from companion.audio.pcm import Samples
from companion.audio.resample import Resampler
from companion.audio.speex import SpeexEcho


@dataclass(frozen=True)
class EchoTuning:
    """Measured knobs of echo cancellation; the evidence is in benchmarks/TUNING.md (Echo)."""

    history_s: float = 4.0
    """How much of what was played is kept for the canceller to read back."""
    reanchor_s: float = 0.5
    """The reference cursor jumps to the clocks' word when they disagree by more than this (the
    output stream restarted); smaller disagreements are the devices' drift, which the measured
    lag follows instead (`measure_every_s`)."""
    measure_every_s: float = 1.0
    """How often the echo's lag behind the reference is measured from the signals."""
    window_s: float = 1.0
    """How much of both signals a lag measurement compares."""
    search_s: float = 0.5
    """The longest lag looked for, either way (the first measurement finds where the echo is)."""
    hold_s: float = 0.01
    """Where the echo is held behind the reference once found: a little room before it, and
    little reading ahead of what the player has written (the resampler already needs ~20 ms)."""
    min_match: float = 0.3
    """A lag is believed only when the signals match at least this well (normalised)."""
    max_change_s: float = 0.005
    """A measured lag further than this from the one held is taken for a wrong peak, unless the
    next measurement agrees: then the reference jumps to it."""
    deadband_s: float = 0.001
    """A measured change of lag smaller than this is left alone: measurements wander that much
    without any drift, and every correction disturbs the filter a little."""
    follow: float = 0.5
    """The share of a measured change of lag taken up before the next measurement."""
    max_slip_per_s: float = 40.0
    """At most this many frames of the reference a second are skipped or repeated to follow
    drift (40 at 48 kHz: 830 ppm, above any two sound cards' disagreement)."""
    tail_s: float = 0.256
    """How long an echo (the room's reverberation) the adaptive filter models."""
    quiet_rms: float = 1e-4
    """A reference (or a frame left by the canceller) quieter than this is silence."""
    frame_s: float = 0.01
    """The canceller's frame."""
    others_below_db: float = 12.0
    """A frame whose echo-cancelled power is within this of the microphone's held another voice:
    the companion's own is taken down by ~20 dB once the filter has converged."""
    others_above_db: float = 20.0
    """... and whose power is no more than this below the microphone's recent loudest frames
    (a person under a speaker 10 dB louder is ~10 dB below them)."""
    loud_half_life_s: float = 1.0
    """How fast the microphone's recent loudest frame is forgotten."""
    gap_s: float = 0.3
    """A pause within one stretch of another voice (between the words of a command)."""
    remember_s: float = 5.0
    """How long the frames that held another voice are remembered, for `last_voice`."""


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


class LagMeter:
    """How many microphone samples the echo lags the reference, measured every so often."""

    def __init__(self, rate: int, tuning: EchoTuning) -> None:
        self._keep = round(tuning.window_s * rate)
        self._every = round(tuning.measure_every_s * rate)
        self._search = round(tuning.search_s * rate)
        self._min_match = tuning.min_match
        self._quiet = tuning.quiet_rms
        self._near = np.zeros(0, np.float32)
        self._far = np.zeros(0, np.float32)
        self._since = 0

    def add(self, near: Samples, far: Samples) -> float | None:
        """Take a block of each; the lag (fractional samples) when one is measured and clear."""
        self._near = np.concatenate([self._near, near])[-self._keep :]
        self._far = np.concatenate([self._far, far])[-self._keep :]
        self._since += len(near)
        if self._since < self._every or len(self._near) < self._keep:
            return None
        self._since = 0
        if float(np.sqrt(np.mean(self._far**2))) < self._quiet:
            return None
        return self._measure()

    def _measure(self) -> float | None:
        # Whitened (GCC-PHAT): speech's own periodicity would otherwise give peaks at multiples
        # of the voice's pitch period as tall as the true one.
        size = 1 << (2 * self._keep - 1).bit_length()
        spectrum = np.fft.rfft(self._near, size) * np.conj(np.fft.rfft(self._far, size))
        spectrum /= np.abs(spectrum) + 1e-12
        whole = np.fft.irfft(spectrum, size)
        lags = np.arange(-self._search, self._search + 1)
        correlation = whole[lags]  # negative lags wrap around to the end
        i = int(np.argmax(correlation))
        k = int(lags[i])
        near = self._near[max(k, 0) : len(self._near) + min(k, 0)]
        far = self._far[max(-k, 0) : len(self._far) - max(k, 0)]
        energy = float(np.sqrt(np.sum(near**2) * np.sum(far**2)))
        if energy == 0 or float(np.dot(near, far)) / energy < self._min_match:
            return None  # not the companion's voice that the microphone hears, or not clearly
        if 0 < i < len(lags) - 1:  # between samples: the peak of a parabola through three
            a, b, c = correlation[i - 1 : i + 2]
            bend = a - 2 * b + c
            return k + (0.5 * (a - c) / bend if bend else 0.0)
        return float(k)


class EchoCanceller:
    """Removes the companion's voice from microphone audio at `rate` (16 kHz for recognition).

    Not thread-safe: one listener thread calls `process`.
    """

    def __init__(self, reference: PlaybackReference, rate: int) -> None:
        self.rate = rate
        self.reference = reference
        self.tuning = reference.tuning
        self._frame = round(rate * self.tuning.frame_s)
        self._speex = SpeexEcho(rate, self._frame, round(self.tuning.tail_s * rate))
        self._resampler = Resampler(max(1, reference.rate), rate)
        self._far_backlog = np.zeros(0, np.float32)  # resampled reference not yet used
        self._next: float | None = None  # the player frame the next microphone sample meets
        self._fed = 0  # the next player frame for the resampler
        self._slip = 0.0  # drift to take up, in reference frames (not yet a whole frame)
        self._lag = LagMeter(rate, self.tuning)
        self._target: float | None = None  # the lag to hold, in microphone samples
        self._jump: float | None = None  # a far-off lag measured once, not yet believed
        self._carry_near = np.zeros(0, np.float32)
        self._carry_far = np.zeros(0, np.float32)
        self._voiced: deque[float] = deque()  # end times of frames that held another voice
        self._loud = 0.0  # the microphone's recent loudest frame power, fading
        self._fade = 0.5 ** (self.tuning.frame_s / self.tuning.loud_half_life_s)

    def process(self, block: Samples, started: float) -> Samples:
        """Microphone `block` (mono, at `rate`) whose first sample was captured at `started`
        (monotonic) → the same audio with the echo removed, delayed by a few ms."""
        far = self._far(len(block), started)
        self._follow_drift(np.asarray(block, np.float32), far)
        first = started - len(self._carry_near) / self.rate  # the time of near[0]
        near = np.concatenate([self._carry_near, np.asarray(block, np.float32)])
        far = np.concatenate([self._carry_far, far])
        usable = len(near) - len(near) % self._frame
        out = np.empty(usable, np.float32)
        kept = 10 ** (-self.tuning.others_below_db / 10)
        floor = 10 ** (-self.tuning.others_above_db / 10)
        for i in range(0, usable, self._frame):
            heard = near[i : i + self._frame]
            left = self._speex.process(heard, far[i : i + self._frame])
            out[i : i + self._frame] = left
            power_in, power_out = float(np.mean(heard**2)), float(np.mean(left**2))
            self._loud = max(power_in, self._loud * self._fade)
            # Another voice: the canceller took little of this frame away, and what is left is
            # loud beside what the microphone heard lately (not a quiet gap between words, where
            # the room's echo lingers beyond what the filter models).
            if power_out > kept * power_in and power_out > floor * self._loud:
                self._voiced.append(first + (i + self._frame) / self.rate)
        while self._voiced and self._voiced[0] < started - self.tuning.remember_s:
            self._voiced.popleft()
        self._carry_near, self._carry_far = near[usable:], far[usable:]
        return out

    def last_voice(self, since: float) -> tuple[float, float] | None:
        """When the latest stretch of another voice since `since` began and ended (gaps shorter
        than `gap_s` inside it): the person's utterance; None when there was none. Another voice:
        sound the canceller left standing (the companion's own leaves only a residue well below
        what came in)."""
        frames = [end for end in self._voiced if end > since]
        if not frames:
            return None
        start = frames[-1]
        for earlier in reversed(frames[:-1]):
            if start - earlier > self.tuning.gap_s:
                break
            start = earlier
        return start - self.tuning.frame_s, frames[-1]

    def _far(self, n: int, started: float) -> Samples:
        """The reference for `n` microphone samples from `started`, at `rate`.

        The resampler holds back its newest samples (without shifting any), so the reference is
        fed ahead of the microphone until enough has come out: the player has written it by
        then, as it writes a buffer ahead of what the speaker plays."""
        ratio = self.reference.rate / self.rate
        wanted = self.reference.frame_at(started)
        if wanted is None:
            return np.zeros(n, np.float32)
        limit = self.tuning.reanchor_s * self.reference.rate
        if self._resampler.source_rate != self.reference.rate:  # the output stream was reopened
            self._next = None
        if self._next is None or abs(wanted - self._next) > limit:
            self._target = None  # find the echo again
            self._restart(float(wanted))
        else:
            # Drift is taken up a frame at a time, never by a jump the filter must relearn.
            most = self.tuning.max_slip_per_s * n / self.rate
            step = float(np.clip(self._slip, -most, most))
            whole = int(step)
            self._slip -= whole
            self._fed += whole
            self._next += whole
        assert self._next is not None
        while len(self._far_backlog) < n:
            take = max(1, round((n - len(self._far_backlog)) * ratio))
            fresh = self._resampler.process(self.reference.read(self._fed, take))
            self._fed += take
            self._far_backlog = np.concatenate([self._far_backlog, fresh])
        far, self._far_backlog = self._far_backlog[:n], self._far_backlog[n:]
        self._next += n * ratio
        return far

    def _restart(self, frame: float) -> None:
        """Read the reference from player frame `frame` on, afresh."""
        self._next = frame
        self._fed = round(frame)
        self._slip = 0.0
        self._lag = LagMeter(self.rate, self.tuning)
        self._resampler = Resampler(self.reference.rate, self.rate)
        self._far_backlog = np.zeros(0, np.float32)

    def _follow_drift(self, near: Samples, far: Samples) -> None:
        """Hold the echo's lag behind the reference where it was first measured.

        The speaker's and the microphone's clocks drift apart (hundreds of ppm between two
        devices, or a resampling sound server): left alone, the echo would slide along the filter
        faster than it adapts. The devices' time stamps are too rough to follow it, so the lag is
        measured from the signals and the reference is read a little earlier or later."""
        lag = self._lag.add(near, far)
        if lag is None or self._next is None:
            return
        ratio = self.reference.rate / self.rate
        if self._target is None:
            # Found: move the reference so the echo sits `hold_s` behind it, in one step (the
            # filter has learnt nothing yet), and keep it there from now on.
            self._target = self.tuning.hold_s * self.rate
            self._restart(self._next - (lag - self._target) * ratio)
            return
        change = lag - self._target
        if abs(change) > self.tuning.max_change_s * self.rate:
            # Drift is slow: a jump this large is a wrong peak, unless the next measurement
            # finds it too (the sound server changed its latency, or a buffer ran dry).
            seen, self._jump = self._jump, lag
            if seen is not None and abs(lag - seen) < self.tuning.max_change_s * self.rate:
                self._jump = None
                self._restart(self._next - change * self.reference.rate / self.rate)
            return
        self._jump = None
        if abs(change) < self.tuning.deadband_s * self.rate:
            return  # within what one measurement to the next wanders by itself
        # A growing lag means the reference runs ahead of its echo: read it later (repeat frames).
        self._slip -= change * ratio * self.tuning.follow
