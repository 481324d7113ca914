"""The one audio output: a sounddevice OutputStream, its queue, priorities and sample-exact timing.

`speaker.Speaker` submits rendered clips here. `Mixer` is the queue logic and runs inside the
audio callback (tests drive it directly with a fake clock); `Player` owns the stream, maps the
monotonic clock onto the stream's samples, and publishes when clips start and end from its own
thread, never from the audio callback.

Rules (see `companion.domain.effects.Priority`):
- A clip cuts off the playing clip when its priority is strictly higher; otherwise it waits, higher
  priority first, first come first served within a priority.
- A scheduled clip (`at` given) starts at the sample for `at`, cutting off a playing clip of lower
  or equal priority: a count is never delayed by chatter, nor by the previous count running long.
  When a higher-priority clip is playing at that moment, a COUNT or SAFETY clip is dropped (a late
  count would be wrong); a lower one joins the queue.
- A scheduled clip whose moment passed more than `late_limit_s` ago is dropped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import heapq
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from companion.audio import devices
from companion.audio.clock import SampleClock
from companion.audio.echo import PlaybackReference
from companion.audio.pcm import Samples
from companion.domain.effects import Priority
from companion.speech_out.port import Playback

# Output buffer the stream asks for: bounds how fast a safety message can cut in (plus one block).
LATENCY_S = 0.05
# A cut-off clip fades out over this long instead of clicking.
FADE_S = 0.004
# A scheduled clip later than this is dropped rather than played.
LATE_LIMIT_S = 0.3
# The audio callback has not run for this long: the device is gone.
STALL_S = 1.0
# A new stream may pause longer while it settles: through PulseAudio on a busy two-core machine,
# after the first few callbacks fill its buffer, the next came a second or more later.
SETTLE_S = 5.0


@dataclass(eq=False)
class Item:
    """One clip to play. `samples` are at the stream's rate, volume already applied."""

    text: str
    samples: Samples
    priority: Priority
    at: float | None = None
    group: str = ""
    seq: int = 0
    started: float | None = field(default=None, init=False)


@dataclass(frozen=True)
class ClipEvent:
    """A clip started (`ended` False) or stopped playing; `time` is at the DAC, monotonic.

    `Speaker` turns these into the `port.Playback` notices others subscribe to.
    """

    item: Item
    time: float
    ended: bool
    interrupted: bool = False


def playback(event: ClipEvent) -> Playback:
    """What speech out tells its listeners of a clip starting or ending."""
    item = event.item
    if not event.ended:
        return Playback(item.text, event.time, None)
    started = item.started if item.started is not None else event.time
    return Playback(item.text, started, event.time, event.interrupted)


class Mixer:
    """Queue, schedule and cut-offs for one mono output; not thread-safe by design.

    Only the audio callback calls it, so it needs no locks; other threads reach it through
    `Player`'s command queue.
    """

    def __init__(self, rate: int, *, fade_s: float = FADE_S, late_limit_s: float = LATE_LIMIT_S):
        self.rate = rate
        self._fade = np.linspace(1.0, 0.0, max(1, round(fade_s * rate)), dtype=np.float32)
        self._late_limit = late_limit_s
        self._pending: list[tuple[int, int, Item]] = []  # heap: (-priority, seq, item)
        self._scheduled: list[Item] = []  # sorted by (at, -priority, seq)
        self._current: Item | None = None
        self._position = 0
        self._tail: Samples = np.zeros(0, np.float32)  # rest of a cut clip's fade-out

    @property
    def busy(self) -> bool:
        return bool(self._current or self._pending or self._scheduled or len(self._tail))

    def submit(self, item: Item) -> None:
        if item.at is None:
            heapq.heappush(self._pending, (-item.priority, item.seq, item))
        else:
            self._scheduled.append(item)
            self._scheduled.sort(key=lambda i: (i.at, -i.priority, i.seq))

    def cancel(self, group: str | None, t0: float, events: list[ClipEvent]) -> None:
        """Drop clips of `group` (all when None); cut off the playing one at the block start."""

        def doomed(item: Item) -> bool:
            return group is None or item.group == group

        self._scheduled = [i for i in self._scheduled if not doomed(i)]
        self._pending = [p for p in self._pending if not doomed(p[2])]
        heapq.heapify(self._pending)
        if self._current is not None and doomed(self._current):
            self._cut(None, 0, t0, events)

    def fill(self, out: NDArray[np.float32], t0: float, events: list[ClipEvent]) -> None:
        """Write the next `len(out)` samples; `t0` is the monotonic DAC time of `out[0]`."""
        frames = len(out)
        out.fill(0.0)
        self._mix_tail(out, 0)
        pos = 0
        while pos < frames:
            while self._scheduled and self._sample(self._scheduled[0], t0) <= pos:
                self._start_scheduled(self._scheduled.pop(0), out, pos, t0, events)
            if self._pending:
                top = self._pending[0][2]
                if self._current is None or top.priority > self._current.priority:
                    heapq.heappop(self._pending)
                    self._cut(top, pos, t0, events, out)
            boundary = frames
            if self._scheduled:
                boundary = min(frames, self._sample(self._scheduled[0], t0))
            current = self._current
            if current is None:
                pos = boundary
                continue
            n = min(boundary - pos, len(current.samples) - self._position)
            out[pos : pos + n] += current.samples[self._position : self._position + n]
            self._position += n
            pos += n
            if self._position >= len(current.samples):
                events.append(ClipEvent(current, t0 + pos / self.rate, ended=True))
                self._current = None

    def _sample(self, item: Item, t0: float) -> int:
        assert item.at is not None
        return round((item.at - t0) * self.rate)

    def _start_scheduled(
        self, item: Item, out: NDArray[np.float32], pos: int, t0: float, events: list[ClipEvent]
    ) -> None:
        assert item.at is not None
        if t0 + pos / self.rate - item.at > self._late_limit:
            return
        if self._current is None or item.priority >= self._current.priority:
            self._cut(item, pos, t0, events, out)
        elif item.priority < Priority.COUNT:
            item.at = None
            self.submit(item)

    def _cut(
        self,
        successor: Item | None,
        pos: int,
        t0: float,
        events: list[ClipEvent],
        out: NDArray[np.float32] | None = None,
    ) -> None:
        """Stop what plays (fading it out) and start `successor` at sample `pos`."""
        now = t0 + pos / self.rate
        current = self._current
        if current is not None:
            rest = current.samples[self._position : self._position + len(self._fade)]
            self._tail = rest * self._fade[: len(rest)]
            if out is not None:
                self._mix_tail(out, pos)
            events.append(ClipEvent(current, now, ended=True, interrupted=True))
        self._current = successor
        self._position = 0
        if successor is not None:
            successor.started = now
            events.append(ClipEvent(successor, now, ended=False))

    def _mix_tail(self, out: NDArray[np.float32], pos: int) -> None:
        n = min(len(self._tail), len(out) - pos)
        out[pos : pos + n] += self._tail[:n]
        self._tail = self._tail[n:]


@dataclass(frozen=True)
class Submit:
    """Queue or schedule `item` (`Mixer.submit`)."""

    item: Item


@dataclass(frozen=True)
class Cancel:
    """Drop the clips of `group`, or all when None (`Mixer.cancel`)."""

    group: str | None


# What other threads ask of the mixer; the audio callback carries it out at its next block.
MixerCommand = Submit | Cancel


class Player:
    """Owns the OutputStream. `on_event` and `on_lost` are called on the player's own thread."""

    def __init__(
        self,
        *,
        device: int | str | None,
        on_event: Callable[[ClipEvent], None],
        on_lost: Callable[[str], None],
        reference: PlaybackReference | None = None,
        rate: int | None = None,
    ) -> None:
        """`reference`: keeps a copy of every sample played, for the echo canceller; `rate`: the
        one to open at (a reopened stream keeps its predecessor's, which clips are rendered at),
        else the device's best."""
        import sounddevice as sd

        _quiet_alsa()
        self._on_event = on_event
        self._on_lost = on_lost
        self.rate = rate or _pick_rate(sd, device)
        self._mixer = Mixer(self.rate)
        self._clock = SampleClock(self.rate)
        self._reference = reference
        if reference is not None:
            reference.open(self.rate)
        self._commands: queue.SimpleQueue[MixerCommand] = queue.SimpleQueue()
        self._events: queue.SimpleQueue[ClipEvent | None] = queue.SimpleQueue()
        self._last_callback = self._started = time.monotonic()
        self._failure: str | None = None
        self._closed = threading.Event()
        self._lost = False
        devices.opened()
        try:
            self._stream = sd.OutputStream(
                device=device,
                samplerate=self.rate,
                channels=1,
                dtype="float32",
                latency=LATENCY_S,
                callback=self._callback,
                finished_callback=self._finished,
            )
        except BaseException:
            devices.closed()
            raise
        self.latency: float = float(self._stream.latency)
        self._thread = threading.Thread(target=self._publish, name="speech-player", daemon=True)
        self._thread.start()
        try:
            self._stream.start()
        except BaseException:
            self.close()
            raise

    def submit(self, item: Item) -> None:
        self._commands.put(Submit(item))

    def cancel(self, group: str | None) -> None:
        self._commands.put(Cancel(group))

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._events.put(None)
        self._thread.join(timeout=2)
        if not self._lost:
            try:
                self._stream.abort()
                self._stream.close()
            finally:
                devices.closed()

    def _callback(self, outdata: NDArray[np.float32], frames: int, info: Any, status: Any) -> None:
        # Runs on PortAudio's thread: no allocation-heavy or blocking work, no listeners.
        now = time.monotonic()
        self._last_callback = now
        dac = info.outputBufferDacTime or (info.currentTime + self.latency)
        t0 = self._clock.advance(frames, dac, info.currentTime, now)
        events: list[ClipEvent] = []
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                break
            if isinstance(command, Submit):
                self._mixer.submit(command.item)
            else:
                self._mixer.cancel(command.group, t0, events)
        self._mixer.fill(outdata[:, 0], t0, events)
        if self._reference is not None and self._clock.origin is not None:
            self._reference.write(outdata[:, 0], self._clock.frames - frames, self._clock.origin)
        for event in events:
            self._events.put(event)

    def _finished(self) -> None:
        if not self._closed.is_set():
            self._failure = "the audio stream stopped"

    def _publish(self) -> None:
        """Deliver events when their audio reaches the DAC; watch for a vanished device."""
        waiting: list[tuple[float, int, ClipEvent]] = []
        order = 0
        while not self._closed.is_set():
            timeout = 0.1
            if waiting:
                timeout = min(timeout, max(0.0, waiting[0][0] - time.monotonic()))
            try:
                event = self._events.get(timeout=timeout)
            except queue.Empty:
                event = None
            if event is not None:
                order += 1
                heapq.heappush(waiting, (event.time, order, event))
            while waiting and waiting[0][0] <= time.monotonic():
                self._on_event(heapq.heappop(waiting)[2])
            self._watch()

    def _watch(self) -> None:
        if self._lost or self._closed.is_set():
            return
        reason = self._failure
        now = time.monotonic()
        limit = STALL_S if now - self._started > SETTLE_S else SETTLE_S
        if reason is None and now - self._last_callback > limit:
            reason = f"the audio device stopped responding for over {limit:.0f} s"
        if reason is None:
            return
        self._lost = True
        # Closing a stream whose device vanished can block; never let that hold up the session.
        threading.Thread(target=self._abandon, name="speech-stream-close", daemon=True).start()
        self._on_lost(reason)

    def _abandon(self) -> None:
        try:
            self._stream.abort()
            self._stream.close()
        except Exception:  # the device is gone already; nothing left to release cleanly
            pass
        devices.closed()


# libasound's error handler signature; extra variadic arguments are simply not read.
_AlsaErrorHandler = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_alsa_handler_ref: list[Any] = []  # keeps the C callback alive for the process' lifetime


def _quiet_alsa() -> None:
    """Stop libasound printing ("underrun occurred", …) to stderr, which is the terminal UI's.

    An underrun or a vanished device is reported through the stream (status, lost device), so
    the text adds nothing and would corrupt the screen.
    """
    if _alsa_handler_ref or not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        return
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return
    handler = _AlsaErrorHandler(lambda *args: None)
    library.snd_lib_error_set_handler(handler)
    _alsa_handler_ref.append(handler)


def _pick_rate(sd: Any, device: int | str | None) -> int:
    """48 kHz when the device takes it (what PulseAudio and most hardware run at)."""
    try:
        sd.check_output_settings(device=device, samplerate=48000, channels=1, dtype="float32")
    except Exception:
        info = sd.query_devices(device, "output")
        return int(info["default_samplerate"])
    return 48000
