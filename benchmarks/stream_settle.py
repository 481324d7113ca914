"""Counts on a freshly opened speech stream: how far they drift while its clock settles.

    python benchmarks/stream_settle.py --streams 8 --after 0 3 --json

For each stream and each delay in --after: a fresh private PulseAudio daemon (tests/pulse.py),
the real speech-out adapter opened on it, the five counts and a chatter cue rendered, then,
that many seconds later, a five-count eccentric at one count per 0.9 s that cuts the chatter
(the scenario of tests/audio/test_speech_out.py). The sink's monitor is recorded and each
count's onset found as in benchmarks/tempo.py. Reported per delay: the drift (last onset error
minus first, ms) of every stream, the largest in magnitude and how many exceed 4 ms.

Why: PulseAudio reports a new stream's latency unsteadily for its first seconds, and the
player's sample clock (`audio.clock.SampleClock`) follows those reports.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _audio import (
    MonitorRecorder,
    find_onset,
    load_pulse_lab,
    use_lab,
    wait_prepared,
    wait_until_warm,
)
from tempo import CHATTER, COUNTS

BEAT_S = 0.9
DRIFT_LIMIT_MS = 4.0  # the bound tests/audio/test_speech_out.py asserts


def one_stream(after: float, scratch: Path) -> float:
    """Drift (ms) of a five-count eccentric begun `after` s after its stream was opened;
    `scratch`: where the companion's user dirs go."""
    from companion.domain.effects import Priority
    from companion.speech_out.settings import SpeechSettings
    from companion.speech_out.speaker import Speaker, open_speech_out

    lab = load_pulse_lab().start()
    try:
        use_lab(lab.server, scratch)
        import sounddevice as sd

        sd._terminate()  # PortAudio lists devices once: make it see this daemon
        sd._initialize()
        wait_until_warm()
        speaker = open_speech_out(SpeechSettings())
        assert isinstance(speaker, Speaker), speaker.status().detail
        opened = time.monotonic()
        phrases = [*COUNTS, CHATTER]
        speaker.prepare(phrases)
        wait_prepared(speaker, phrases)
        recorder = MonitorRecorder()
        recorder.start()
        time.sleep(max(0.2, opened + after - time.monotonic()))
        start = time.monotonic() + 0.5
        speaker.say(CHATTER, priority=Priority.CHATTER)
        schedule = [(word, start + i * BEAT_S) for i, word in enumerate(COUNTS)]
        for word, at in schedule:
            speaker.say(word, priority=Priority.COUNT, at=at, group="rep")
        time.sleep(start + len(COUNTS) * BEAT_S + 0.1 - time.monotonic())
        recording = recorder.stop()
        clips = {p: clip for p in phrases if (clip := speaker.clip(p)) is not None}
        speaker.close()
    finally:
        lab.stop()
    errors = [(find_onset(recording, clips[w], at).time - at) * 1e3 for w, at in schedule]
    return round(errors[-1] - errors[0], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=8)
    parser.add_argument("--after", type=float, nargs="+", default=[0.0, 3.0],
                        help="seconds from opening the stream to the eccentric")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for after in args.after:
        with tempfile.TemporaryDirectory(prefix="companion-settle-") as scratch:
            drifts = [one_stream(after, Path(scratch)) for _ in range(args.streams)]
        results[f"{after:g}"] = {
            "drift_ms": drifts,
            "max_abs_ms": max(abs(d) for d in drifts),
            "over_limit": sum(abs(d) > DRIFT_LIMIT_MS for d in drifts),
        }
    if args.json:
        print(json.dumps({"after_s": results, "limit_ms": DRIFT_LIMIT_MS}))
        return
    for after, row in results.items():
        print(f"{after:>4} s after opening: |drift| max {row['max_abs_ms']} ms, "
              f"{row['over_limit']}/{args.streams} over {DRIFT_LIMIT_MS:g} ms: {row['drift_ms']}")


if __name__ == "__main__":
    main()
