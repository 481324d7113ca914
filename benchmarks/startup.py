"""Time from `companion start WORKOUT` to the session screen being on the terminal.

Runs the installed `companion` command in a pseudo-terminal (80×24) several times and reads its
output until the session screen's step counter ("step 1/") has been drawn. Prints one JSON object
with every run's milliseconds and the median and maximum. Speech and listening load in the
background exactly as in normal use (pass --mute/--no-listen through ARGS to leave them out).

    python benchmarks/startup.py [--runs 7] [--workout runner-posterior-chain] [-- ARGS...]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

MARKER = re.compile(rb"step\s+1/\d+")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")
TIMEOUT_S = 20.0


def companion_command() -> str:
    beside = Path(sys.executable).with_name("companion")
    found = str(beside) if beside.exists() else shutil.which("companion")
    if found is None:
        raise SystemExit("companion is not installed in this environment: run ./install-and-run")
    return found


def time_one(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # child: sizes its terminal before it becomes `companion start …`
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execve(command[0], command, env)
    seen = b""
    try:
        while time.monotonic() - started < TIMEOUT_S:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            if MARKER.search(ANSI.sub(b"", seen)):
                return (time.monotonic() - started) * 1000
        shown = ANSI.sub(b"", seen)[-600:]
        raise SystemExit(
            f"no session screen within {TIMEOUT_S:.0f} s; the terminal showed {shown!r}"
        )
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workout", default="runner-posterior-chain")
    parser.add_argument("args", nargs="*", help="extra arguments for `companion start`")
    options = parser.parse_args()
    command = [companion_command(), "start", options.workout, *options.args]
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, TERM="xterm-256color", COMPANION_DATA_DIR=data)
        runs = [time_one(command, env) for _ in range(options.runs)]
    print(
        json.dumps(
            {
                "command": " ".join(command[1:]),
                "runs_ms": [round(r) for r in runs],
                "session_screen_ms_median": round(statistics.median(runs)),
                "session_screen_ms_max": round(max(runs)),
            }
        )
    )


if __name__ == "__main__":
    main()
