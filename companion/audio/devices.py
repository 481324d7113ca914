"""Reopening audio streams after the audio server went away: backoff, and PortAudio's device list.

`speech_out.speaker.Speaker` (output) and `speech_in.listener.Listener` (microphone) call this
when their stream is lost: they wait `retry_delays()` between attempts to open a new one, and
when an attempt fails they call `rescan()` before the next.

Why a shared helper: PortAudio lists devices once, when it is initialised, so after PulseAudio
restarts a new stream may not find its device until sounddevice re-initialises PortAudio
(`sd._terminate(); sd._initialize()`). Terminating PortAudio closes every stream the process
has, under the feet of the objects that own them, so it must never happen while another of our
streams is open (the microphone while the speaker reconnects, or the other way round). The
player and the capture report their streams here with `opened()`/`closed()`; `rescan()` does
nothing while any is open, and the one that closes last rescans on its next failure.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

# Seconds between attempts to reopen a lost stream: quick at first (a restarting server is back
# within a second or two), then every 15 s so a long outage costs next to nothing.
FIRST_RETRY_S = 1.0
LAST_RETRY_S = 15.0


class _OpenStreams:
    """How many of our streams are open; `rescan` holds the lock so none opens meanwhile."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0


_streams = _OpenStreams()


def retry_delays() -> Iterator[float]:
    """1, 2, 4, 8, 15, 15, … seconds."""
    delay = FIRST_RETRY_S
    while True:
        yield delay
        delay = min(LAST_RETRY_S, delay * 2)


def opened() -> None:
    """A stream of ours is about to open (call it before creating the stream, `closed()` if that
    fails): PortAudio must not be re-initialised until it is closed."""
    with _streams.lock:
        _streams.count += 1


def closed() -> None:
    """A stream reported with `opened()` is closed (or abandoned, its close having returned)."""
    with _streams.lock:
        _streams.count = max(0, _streams.count - 1)


def rescan() -> bool:
    """Make PortAudio list the devices again, unless a stream of ours is open; True if it did."""
    sd = sys.modules.get("sounddevice")
    if sd is None:  # never loaded: the next import scans afresh
        return False
    with _streams.lock:
        if _streams.count:
            return False
        sd._terminate()
        sd._initialize()
        return True
