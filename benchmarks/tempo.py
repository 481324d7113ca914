"""Timing of the companion's voice, measured from what reaches the (virtual) speaker.

    python benchmarks/tempo.py --json [--compress 1] [--workout hip-thrust]

Starts a private PulseAudio daemon (tests/pulse.py), plays through the real speech-out adapter
(pyttsx3 + espeak-ng clips, the companion's own sounddevice stream) and records the sink's
monitor. Measured:
- onset_error_ms_*: |captured onset - scheduled time| of every count and timed call, over
  three five-count eccentrics (one count a second, each starting over a chatter cue that the
  counts must cut) and a 90 s rest countdown ("sixty seconds", "thirty seconds", "ten seconds",
  "three", "two", "one", "go"), compressed by --compress (1 = real time).
- drift_ms: last onset error minus first, within each sequence; the larger in magnitude.
- interrupt_ms: from say(SAFETY) to its audio replacing a playing cue at the speaker.
- step_change_ms_*: from a step change (its cue cancelled mid-word, the next step's first words,
  already cached, said as the session does) to those words at the speaker; five changes.
- first_cue_ms: from launching `companion start WORKOUT` in a pseudo-terminal to the first
  sound on the speaker, or null with first_cue_error when there is none.
- first_cue_ms_second_session: the same again, with the clips the first launch cached.
Onsets are found by cross-correlating the exact clip that was played (see benchmarks/_audio.py
for how the recording's clock is mapped to the monotonic clock).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from _audio import (  # noqa: E402
    MonitorRecorder,
    Recording,
    find_onset,
    load_pulse_lab,
    use_lab,
    wait_prepared,
    wait_until_warm,
)

COUNTS = ("one", "two", "three", "four", "five")
CHATTER = "Keep your ribs down and your chin tucked, and drive through your heels."
CUE = "Set your feet flat, shoulder width apart, with the bar pad over your hips."
SAFETY = "Stop. Are you in pain?"
NEXT_STEP = "Set two of three. Ten reps at ninety five pounds."
STEP_CHANGES = 5
REST_CALLS = (
    (30.0, "sixty seconds"), (60.0, "thirty seconds"), (80.0, "ten seconds"),
    (87.0, "three"), (88.0, "two"), (89.0, "one"), (90.0, "go"),
)


def measure_speaker(compress: float) -> dict[str, Any]:
    from companion.domain.effects import Priority
    from companion.speech_out.settings import SpeechSettings
    from companion.speech_out.speaker import Speaker, open_speech_out

    speaker = open_speech_out(SpeechSettings())
    if not isinstance(speaker, Speaker):
        raise RuntimeError(speaker.status().detail)
    phrases = [*COUNTS, CHATTER, CUE, SAFETY, NEXT_STEP, *(text for _, text in REST_CALLS)]
    speaker.prepare(phrases)
    wait_prepared(speaker, phrases)
    recorder = MonitorRecorder()
    recorder.start()
    time.sleep(0.3)
    schedule: list[tuple[str, str, float]] = []  # (sequence, text, monotonic time)
    try:
        for rep in range(3):
            start = time.monotonic() + 0.6
            speaker.say(CHATTER, priority=Priority.CHATTER)  # still talking when "one" is due
            for i, word in enumerate(COUNTS):
                at = start + i * 1.0
                speaker.say(word, priority=Priority.COUNT, at=at, group=f"rep{rep}")
                schedule.append((f"rep{rep}", word, at))
            time.sleep(start + 5.2 - time.monotonic())
        rest_start = time.monotonic() + 0.2
        for offset, text in REST_CALLS:
            at = rest_start + offset / compress
            speaker.say(text, priority=Priority.COUNT, at=at, group="rest")
            schedule.append(("rest", text, at))
        time.sleep(rest_start + 90.0 / compress + 1.0 - time.monotonic())
        speaker.say(CUE, priority=Priority.INSTRUCTION)
        time.sleep(0.8)
        called = time.monotonic()
        speaker.say(SAFETY, priority=Priority.SAFETY)
        time.sleep(2.5)
        changes = []
        for change in range(STEP_CHANGES):  # as `SessionRunner` carries out a step change
            speaker.say(CUE, priority=Priority.INSTRUCTION, group=f"step-{2 * change}")
            time.sleep(0.8)
            changes.append(time.monotonic())
            speaker.cancel(f"step-{2 * change}")
            speaker.say(NEXT_STEP, priority=Priority.INSTRUCTION, group=f"step-{2 * change + 1}")
            time.sleep(3.5)
    finally:
        recording = recorder.stop()
        latency = speaker.output_latency
        clips = {text: speaker.clip(text) for text in phrases}
        speaker.close()
    return _analyse(recording, schedule, clips, called, changes, latency)


def _analyse(
    recording: Recording,
    schedule: list[tuple[str, str, float]],
    clips: dict[str, Any],
    safety_called: float,
    step_changes: list[float],
    latency: float,
) -> dict[str, Any]:
    errors: dict[str, list[float]] = {}
    correlations = []
    for sequence, text, at in schedule:
        onset = find_onset(recording, clips[text], at)
        correlations.append(onset.correlation)
        errors.setdefault(sequence, []).append((onset.time - at) * 1e3)
    flat = np.abs(np.concatenate([np.array(e) for e in errors.values()]))
    drifts = [e[-1] - e[0] for e in errors.values()]
    safety = find_onset(recording, clips[SAFETY], safety_called + 0.1, search_s=0.12)
    steps = [
        (find_onset(recording, clips[NEXT_STEP], at + 0.15, search_s=0.2).time - at) * 1e3
        for at in step_changes
    ]
    return {
        "onset_error_ms_p50": round(float(np.percentile(flat, 50)), 2),
        "onset_error_ms_p95": round(float(np.percentile(flat, 95)), 2),
        "onset_error_ms_max": round(float(flat.max()), 2),
        "drift_ms": round(float(max(drifts, key=abs)), 2),
        "interrupt_ms": round((safety.time - safety_called) * 1e3, 1),
        "step_change_ms_p50": round(float(np.median(steps)), 1),
        "step_change_ms_max": round(float(max(steps)), 1),
        "onsets": len(flat),
        "onset_correlation_min": round(min(correlations), 3),
        "safety_correlation": round(safety.correlation, 3),
        "onset_errors_ms": {k: [round(x, 2) for x in v] for k, v in errors.items()},
        "capture_clock_jitter_ms": round(recording.jitter_ms, 2),
        "output_latency_ms": round(latency * 1e3, 1),
    }


def measure_first_cue(workout: str, env: dict[str, str], timeout: float = 15.0) -> dict[str, Any]:
    """Launch `companion start` on a pseudo-terminal and time its first sound at the speaker."""
    recorder = MonitorRecorder()
    recorder.start()
    time.sleep(0.3)
    launched = time.monotonic()
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from companion.cli import main; sys.exit(main())",
         "start", workout],
        stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True,
    )
    os.close(follower)
    heard: float | None = None
    screen = b""
    try:
        deadline = launched + timeout
        while time.monotonic() < deadline and process.poll() is None:
            # Keep the terminal drained so the UI never blocks on a full pty.
            if select.select([leader], [], [], 0.05)[0]:
                try:
                    screen = (screen + os.read(leader, 65536))[-2000:]
                except OSError:
                    break
    finally:
        recording = recorder.stop()
        exit_code = process.poll()
        if exit_code is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        os.close(leader)
    start = max(0, recording.index(launched))
    loud = np.flatnonzero(np.abs(recording.samples[start:]) > 0.01)
    if len(loud):
        heard = recording.time(start + int(loud[0]))
    if heard is None:
        why = "was running"
        if exit_code is not None:
            tail = screen.decode("utf-8", "replace").strip()[-300:]
            why = f"exited with {exit_code}: {tail}"
        return {
            "first_cue_ms": None,
            "first_cue_error": f"`companion start {workout}` made no sound within {timeout:.0f} s "
            f"({why}); is speech out wired into companion/app/wiring.py?",
        }
    return {"first_cue_ms": round((heard - launched) * 1e3, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--compress", type=float, default=1.0,
                        help="play the 90 s rest this many times faster (default 1: real time)")
    parser.add_argument("--workout", default="hip-thrust", help="workout for first_cue_ms")
    parser.add_argument("--first-cue-only", action="store_true",
                        help="measure only first_cue_ms (skips the two-minute playback part)")
    args = parser.parse_args()
    lab = load_pulse_lab().start()
    scratch = Path(tempfile.mkdtemp(prefix="companion-tempo-"))
    use_lab(lab.server, scratch)  # a fresh cache: the numbers are for a first session
    try:
        wait_until_warm()
        result: dict[str, Any] = {}
        if not args.first_cue_only:
            result = measure_speaker(args.compress)
            result["compress"] = args.compress
        result.update(measure_first_cue(args.workout, dict(os.environ)))
        # The same again with the clips the first run cached: a second session's start.
        warm = measure_first_cue(args.workout, dict(os.environ))
        result["first_cue_ms_second_session"] = warm["first_cue_ms"]
    finally:
        lab.stop()
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
