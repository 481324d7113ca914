"""Time from `companion start WORKOUT` to the session screen being on a real terminal.

Runs the installed `companion` command inside tmux (a full terminal emulator, 80×24) several times
and reads the screen with `tmux capture-pane` every few milliseconds until the session screen's
step counter ("step 1/") is on it. Prints one JSON object with every run's milliseconds and the
median and maximum. Speech and listening load in the background exactly as in normal use (pass
`-- --mute --no-listen` to leave them out).

A bare pseudo-terminal is not used because it does not answer the terminal queries Textual sends
at start-up, which changes how the first frame is drawn.

    python benchmarks/startup.py [--runs 7] [--workout runner-posterior-chain] [-- ARGS...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MARKER = re.compile(r"step\s+1/\d+")
TIMEOUT_S = 20.0
POLL_S = 0.005
SESSION = "companion-startup-bench"


def companion_command() -> str:
    beside = Path(sys.executable).with_name("companion")
    found = str(beside) if beside.exists() else shutil.which("companion")
    if found is None:
        raise SystemExit("companion is not installed in this environment: run ./install-and-run")
    return found


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)


def time_one(command: list[str], data_dir: str) -> float:
    tmux("kill-session", "-t", SESSION)
    shell = f"COMPANION_DATA_DIR={shlex.quote(data_dir)} {shlex.join(command)}; sleep 60"
    started = time.monotonic()
    launched = tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", shell)
    if launched.returncode != 0:
        raise SystemExit(f"tmux could not start: {launched.stderr.strip()}")
    try:
        screen = ""
        while time.monotonic() - started < TIMEOUT_S:
            screen = tmux("capture-pane", "-p", "-t", SESSION).stdout
            if MARKER.search(screen):
                return (time.monotonic() - started) * 1000
            time.sleep(POLL_S)
        raise SystemExit(f"no session screen within {TIMEOUT_S:.0f} s; it showed:\n{screen}")
    finally:
        tmux("kill-session", "-t", SESSION)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workout", default="runner-posterior-chain")
    parser.add_argument("args", nargs="*", help="extra arguments for `companion start`")
    options = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("this benchmark needs tmux: apt-get install tmux")
    command = [companion_command(), "start", options.workout, *options.args]
    os.environ["TERM"] = os.environ.get("TERM") or "xterm-256color"
    with tempfile.TemporaryDirectory() as data:
        runs = [time_one(command, data) for _ in range(options.runs)]
    print(
        json.dumps(
            {
                "command": " ".join(command[1:]),
                "terminal": "tmux 80x24",
                "runs_ms": [round(r) for r in runs],
                "session_screen_ms_median": round(statistics.median(runs)),
                "session_screen_ms_max": round(max(runs)),
            }
        )
    )


if __name__ == "__main__":
    main()
