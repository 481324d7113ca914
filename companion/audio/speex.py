"""The Speex echo canceller (libspeexdsp, Debian's `libspeexdsp1`), through ctypes.

Only its linear adaptive filter is used (an MDF frequency-domain filter with its own double-talk
control), not its residual-echo suppressor: suppression also eats the person's words while the
companion speaks, which is exactly when barge-in needs them (benchmarks/TUNING.md, "Echo").

Who calls it: `audio.echo.EchoCanceller`, one 10 ms frame at a time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

import numpy as np

from companion.audio.pcm import Samples, from_pcm16, to_int16

INSTALL_HINT = "install the Debian package libspeexdsp1 (./install-and-run does)"
_SET_SAMPLING_RATE = 24  # SPEEX_ECHO_SET_SAMPLING_RATE in speex_echo.h


class SpeexUnavailable(RuntimeError):
    """libspeexdsp is not installed: echo cancellation is off."""


def _library() -> Any:
    name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
    try:
        library = ctypes.CDLL(name)
    except OSError as err:
        raise SpeexUnavailable(f"no libspeexdsp ({err}); {INSTALL_HINT}") from err
    library.speex_echo_state_init.restype = ctypes.c_void_p
    library.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    library.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    library.speex_echo_cancellation.argtypes = [ctypes.c_void_p] + [ctypes.c_void_p] * 3
    library.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    return library


class SpeexEcho:
    """One echo canceller state: `frame` samples a call, a filter `tail` samples long."""

    def __init__(self, rate: int, frame: int, tail: int) -> None:
        self._lib = _library()
        self.frame = frame
        self._state = self._lib.speex_echo_state_init(frame, tail)
        sampling = ctypes.c_int(rate)
        self._lib.speex_echo_ctl(self._state, _SET_SAMPLING_RATE, ctypes.byref(sampling))

    def process(self, near: Samples, far: Samples) -> Samples:
        """`near` (the microphone) with the echo of `far` (what was played) taken out."""
        mic = np.ascontiguousarray(to_int16(near))
        played = np.ascontiguousarray(to_int16(far))
        out = np.empty(self.frame, np.int16)
        self._lib.speex_echo_cancellation(
            self._state, mic.ctypes.data, played.ctypes.data, out.ctypes.data
        )
        return from_pcm16(out.tobytes())

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state:
            self._lib.speex_echo_state_destroy(state)
