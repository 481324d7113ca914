"""Recording what the companion plays, and finding when each clip started in the recording.

Shared by `benchmarks/tempo.py` and the speech-out audio tests (`tests/audio/test_speech_*.py`),
which import it by path.

Clock mapping, and why it can be trusted: the recorder is a sounddevice InputStream on the null
sink's monitor (`PULSE_SOURCE=companion_out.monitor`). Each callback gives the capture time of
its first sample (`inputBufferAdcTime`, computed by PortAudio from PulseAudio's reported source
latency) on PortAudio's stream clock, which is the wall clock here; reading `time.monotonic()` in
the same callback moves it onto the monotonic clock. Sample n of the capture is then at
`t0 + n * period`. Those capture times wander by a few ms over seconds (p5-p95 spread 5-10 ms),
so one callback says little; the mapping is fitted over all of them:
- `period`: the lab's sink clock runs ~245 ppm fast against the monotonic clock (measured from
  callback arrival times alone over 60 s: 48012 samples per second), so over a long recording
  (>= 20 s) the period is fitted (least squares, again without outliers). Over a short one a
  fit is noisier than that error (5 s fits scattered by +-1000 ppm), so the nominal 1 / rate is
  used: at most ~1.2 ms of error across a 5 s recording.
- `t0`: the median of (capture time - n * period).
This is independent of the player's own clock estimate (that one comes from the output stream's
`outputBufferDacTime`), so a bias in the player shows up as onset error instead of cancelling.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from companion.audio.pcm import Samples

MONITOR = "companion_out.monitor"
FIT_PERIOD_S = 20.0  # recordings at least this long get their sample period fitted


@dataclass(frozen=True)
class Recording:
    samples: Samples
    rate: int
    t0: float  # monotonic time of samples[0]
    period: float  # seconds per sample on the monotonic clock
    jitter_ms: float  # spread (p95 - p5) of the per-callback capture times around the fit

    def index(self, t: float) -> int:
        return round((t - self.t0) / self.period)

    def time(self, index: float) -> float:
        return self.t0 + index * self.period


class MonitorRecorder:
    """Records the companion's output sink from `start()` to `stop()`."""

    def __init__(self, rate: int = 48000) -> None:
        import sounddevice as sd

        self.rate = rate
        self._chunks: list[Samples] = []
        self._stamps: list[tuple[int, float]] = []  # (first sample index, monotonic capture time)
        self._frames = 0
        self._lock = threading.Lock()
        previous = os.environ.get("PULSE_SOURCE")
        os.environ["PULSE_SOURCE"] = MONITOR  # read by PulseAudio's ALSA plugin at open
        try:
            self._stream = sd.InputStream(
                samplerate=rate, channels=1, dtype="float32", latency=0.05, blocksize=480,
                callback=self._callback,
            )
        finally:
            if previous is None:
                del os.environ["PULSE_SOURCE"]
            else:
                os.environ["PULSE_SOURCE"] = previous

    def _callback(self, indata: Samples, frames: int, info: Any, status: Any) -> None:
        now = time.monotonic()
        adc = info.inputBufferAdcTime + (now - info.currentTime)
        with self._lock:
            self._stamps.append((self._frames, adc))
            self._chunks.append(indata[:, 0].copy())
            self._frames += frames

    def start(self) -> None:
        self._stream.start()

    def stop(self) -> Recording:
        self._stream.stop()
        self._stream.close()
        with self._lock:
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
            stamps = np.array(self._stamps, dtype=np.float64)
        if len(stamps) < 10:
            raise RuntimeError("the monitor recording got too few callbacks to map its clock")
        # Skip the first callbacks: a stream's first buffers arrive in a burst.
        index, when = stamps[5:, 0], stamps[5:, 1]
        period = 1.0 / self.rate
        if index[-1] - index[0] >= FIT_PERIOD_S * self.rate:
            period, t0 = np.polyfit(index, when, 1)
            residual = when - (t0 + period * index)
            keep = np.abs(residual) < 3 * np.median(np.abs(residual)) + 1e-4
            period = np.polyfit(index[keep], when[keep], 1)[0]
        t0 = float(np.median(when - period * index))
        p5, p95 = np.percentile(when - (t0 + period * index), [5, 95])
        return Recording(samples, self.rate, float(t0), float(period), float(p95 - p5) * 1e3)


@dataclass(frozen=True)
class Onset:
    time: float  # monotonic
    correlation: float  # normalised, 1.0 = the exact clip


def find_onset(
    recording: Recording, clip: Samples, expected: float, search_s: float = 0.15
) -> Onset:
    """Where `clip` (the exact samples that were played) starts, near `expected`.

    Cross-correlates the clip's first 120 ms with the recording within ±`search_s` of
    `expected`. A different rendering of the same words would not match: two renderings are not
    sample-identical.
    """
    head = clip[: int(0.12 * recording.rate)].astype(np.float64)
    lo = max(0, recording.index(expected - search_s))
    hi = min(len(recording.samples), recording.index(expected + search_s) + len(head))
    window = recording.samples[lo:hi].astype(np.float64)
    if len(window) < len(head):
        return Onset(expected, 0.0)
    corr = np.correlate(window, head, mode="valid")
    energy = np.convolve(window**2, np.ones(len(head)), mode="valid")
    norm = corr / (np.sqrt(np.maximum(energy, 1e-12)) * np.sqrt(np.sum(head**2)))
    best = int(np.argmax(norm))
    return Onset(recording.time(lo + best), float(norm[best]))


def last_sound(recording: Recording, after: float, threshold: float = 0.01) -> float:
    """Monotonic time just after the last sample above `threshold`, looking from `after`."""
    start = max(0, recording.index(after))
    loud = np.flatnonzero(np.abs(recording.samples[start:]) > threshold)
    if len(loud) == 0:
        return after
    return recording.time(start + int(loud[-1]) + 1)


def sound_between(recording: Recording, start: float, end: float) -> float:
    """Peak level of the recording between two monotonic times."""
    segment = recording.samples[max(0, recording.index(start)) : max(0, recording.index(end))]
    return float(np.max(np.abs(segment))) if len(segment) else 0.0


def load_pulse_lab() -> Any:
    """`tests/pulse.py`'s PulseLab class, for benchmarks run as scripts (the tests import it)."""
    path = Path(__file__).resolve().parent.parent / "tests" / "pulse.py"
    spec = importlib.util.spec_from_file_location("companion_pulse_lab", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building the class
    spec.loader.exec_module(module)
    return module.PulseLab


def use_lab(server: str, scratch: Path) -> None:
    """Points this process, and the ones it starts, at the lab's audio server (its default sink
    and source) and at fresh user dirs under `scratch`: a benchmark measures a first session and
    never writes the real user's cache."""
    os.environ["PULSE_SERVER"] = server
    for key in ("PULSE_SINK", "PULSE_SOURCE"):
        os.environ.pop(key, None)
    os.environ["COMPANION_CACHE_DIR"] = str(scratch / "cache")
    os.environ["COMPANION_DATA_DIR"] = str(scratch / "data")
    os.environ["COMPANION_CONFIG"] = str(scratch / "config.toml")


def wait_prepared(speaker: Any, phrases: list[str], timeout: float = 20.0) -> None:
    """Until `speaker` has rendered every phrase (`Speaker.prepare` renders in the background)."""
    deadline = time.monotonic() + timeout
    while any(speaker.clip(p) is None for p in phrases):
        if time.monotonic() > deadline:
            raise RuntimeError("phrases were not rendered in time")
        time.sleep(0.02)


_warm_servers: set[str] = set()


def wait_until_warm(timeout: float = 8.0, steady_s: float = 1.0) -> None:
    """Block until an output stream has had `steady_s` of regular callbacks (once per daemon).

    A freshly started PulseAudio lab stalls new streams for up to ~1.7 s (measured: a 700 ms gap
    in the first stream's callbacks); that is the lab warming up, not the companion.
    """
    import sounddevice as sd

    server = os.environ.get("PULSE_SERVER", "")
    if server in _warm_servers:
        return
    stamps: list[float] = []

    def callback(out: Samples, frames: int, info: Any, status: Any) -> None:
        out.fill(0)
        stamps.append(time.monotonic())

    deadline = time.monotonic() + timeout
    with sd.OutputStream(samplerate=48000, channels=1, dtype="float32", latency=0.05,
                         callback=callback):
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = time.monotonic()
            recent = [t for t in stamps if t > now - steady_s]
            if recent and stamps[0] < now - steady_s and max(np.diff([*recent, now])) < 0.05:
                _warm_servers.add(server)
                return
    raise RuntimeError("the PulseAudio lab did not settle")
