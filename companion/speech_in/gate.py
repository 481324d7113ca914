"""Keeps the companion from obeying its own voice.

`listener.Listener` feeds it the `Playback` intervals that speech-out publishes and asks, for each
microphone block, whether that audio overlaps the companion's speech (widened by a tail for
device latency and room echo). Blocked audio never reaches the recognizer, and the recognizer is
reset once the gate opens, so half a cue cannot combine with what follows.

Without echo cancellation every command is gated, "pain" and "stop" included: the companion's
voice is then louder at the microphone than the person, so hearing a command under it would be
unreliable, and cue texts (written elsewhere) may themselves say "pain" or "stop". With it,
`hearing.Hearing` asks the gate what the companion was saying instead (`said`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from companion.speech_out.port import Playback

KEEP_S = 30.0  # forget intervals that ended this long ago


@dataclass(frozen=True)
class GateTuning:
    """How far around the companion's speech the gate closes; why: benchmarks/TUNING.md, "Gate".

    `tail_s` is the default of the settings file's `listen.self_voice_tail`, which overrides it."""

    lead_s: float = 0.05  # before a clip's reported start, which may be a little late
    tail_s: float = 0.3  # after a clip's end: device latency and room echo


TUNING = GateTuning()  # the tuning in force


class SelfVoiceGate:
    def __init__(
        self, tuning: GateTuning = TUNING, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.tuning = tuning
        self._clock = clock
        self._lock = threading.Lock()
        self._intervals: dict[tuple[str, float], float | None] = {}  # (text, start) -> end

    def on_playback(self, playback: Playback) -> None:
        """Called from speech-out's thread for each clip start and end."""
        with self._lock:
            self._intervals[(playback.text, playback.started)] = playback.ended
            horizon = self._clock() - KEEP_S
            for key, ended in list(self._intervals.items()):
                if ended is not None and ended < horizon:
                    del self._intervals[key]

    def blocked(self, start: float, end: float) -> bool:
        """Does audio captured from `start` to `end` (monotonic) overlap the companion's voice?"""
        return bool(self.said(start, end))

    def said(self, start: float, end: float) -> list[str]:
        """What the companion was saying (the clips' texts) from `start` to `end`, tail included."""
        with self._lock:
            return [
                text
                for (text, started), ended in self._intervals.items()
                if started - self.tuning.lead_s <= end
                and start <= (float("inf") if ended is None else ended + self.tuning.tail_s)
            ]
