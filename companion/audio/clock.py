"""Sample-exact time for an audio stream: which monotonic moment each sample meets the converter.

The player (`speech_out.player`) schedules counts on the sample by it; the microphone
(`speech_in.capture`) stamps its blocks by it; the echo canceller (`audio.echo`) lines the two up.
"""

from __future__ import annotations

# How much of each callback's time reading goes into the sample-clock estimate.
CLOCK_SMOOTHING = 0.01
# A reading this far off the estimate means the stream slipped (underrun): re-anchor at once.
CLOCK_RESET_S = 0.015


class SampleClock:
    """Maps a stream's sample counter to monotonic time at the converter (DAC or ADC).

    PortAudio's stream time is the wall clock here (not monotonic) and each callback's
    `outputBufferDacTime` (or `inputBufferAdcTime`) jitters by a few ms, so each reading is moved
    onto the monotonic clock with a reading of both clocks taken in the same callback, and the
    estimate of "monotonic time of sample 0" follows the readings slowly: onsets stay steady yet
    follow a device clock that drifts. A jump (underrun, stream restart) re-anchors it at once.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.frames = 0
        self._base: float | None = None

    @property
    def origin(self) -> float | None:
        """The monotonic time of sample 0 (None before the first callback)."""
        return self._base

    def advance(self, frames: int, dac_time: float, now_stream: float, now_mono: float) -> float:
        """Account for one callback; returns the monotonic converter time of its first sample."""
        reading = dac_time + (now_mono - now_stream) - self.frames / self.rate
        if self._base is None or abs(reading - self._base) > CLOCK_RESET_S:
            self._base = reading
        else:
            self._base += CLOCK_SMOOTHING * (reading - self._base)
        t0 = self._base + self.frames / self.rate
        self.frames += frames
        return t0
