"""A private PulseAudio daemon with null sinks: a real virtual speaker and microphone.

Tests that need audio start one with `PulseLab.start()` (see the `pulse` fixture in conftest).
What the companion plays lands on `companion_out` (record `companion_out.monitor`); what a test
plays into `companion_mic` is what the companion hears on its default input
(`companion_mic.monitor`). The keep-alive loopbacks keep the sinks clocked, without which a new
input stream's first callback came over a second late.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={dir}/native
load-module module-null-sink sink_name=companion_out rate=48000 channels=1
load-module module-null-sink sink_name=companion_mic rate=48000 channels=1
load-module module-null-source source_name=keepalive rate=48000 channels=1
load-module module-loopback source=keepalive sink=companion_out latency_msec=20 \
source_dont_move=true sink_dont_move=true
load-module module-loopback source=keepalive sink=companion_mic latency_msec=20 \
source_dont_move=true sink_dont_move=true
set-default-sink companion_out
set-default-source companion_mic.monitor
"""

# Variables a client needs to reach the private daemon (and nothing else).
ENV_KEYS = ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE")


@dataclass
class PulseLab:
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def server(self) -> str:
        return f"unix:{self.directory}/native"

    def env(self) -> dict[str, str]:
        """Environment for a child process that should use this daemon."""
        env = dict(os.environ)
        env["PULSE_SERVER"] = self.server
        env.pop("PULSE_SINK", None)
        env.pop("PULSE_SOURCE", None)
        return env

    @classmethod
    def start(cls, timeout: float = 10.0) -> PulseLab:
        if shutil.which("pulseaudio") is None:
            raise RuntimeError("pulseaudio is not installed: ./install-and-test installs it")
        directory = Path(tempfile.mkdtemp(prefix="companion-pulse-"))
        run_dir = directory / "run"
        run_dir.mkdir(mode=0o700)
        config = directory / "lab.pa"
        config.write_text(CONFIG.format(dir=directory))
        lab = cls(directory, _launch(directory))
        try:
            lab._wait_until_up(timeout)
        except RuntimeError:
            lab.stop()
            raise
        return lab

    def restart(self, timeout: float = 10.0) -> None:
        """The audio server goes away and comes back: a new daemon, same socket and config."""
        self._end_process()
        self.process = _launch(self.directory)
        self._wait_until_up(timeout)

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pulseaudio exited with {self.process.returncode}")
            if self.pactl("info").returncode == 0:
                return
            time.sleep(0.02)
        raise RuntimeError("pulseaudio did not answer within its start timeout")

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args], env=self.env(), capture_output=True, text=True, check=False
        )

    def play_into_mic(self, wav: Path) -> subprocess.Popen[bytes]:
        """Start playing a WAV into the virtual microphone; returns the paplay process."""
        return subprocess.Popen(
            ["paplay", "--device=companion_mic", str(wav)], env=self.env()
        )

    def stop(self) -> None:
        self._end_process()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _end_process(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _launch(directory: Path) -> subprocess.Popen[bytes]:
    """pulseaudio on `directory`'s config, its runtime files kept inside `directory`."""
    env = dict(os.environ, HOME=str(directory), XDG_RUNTIME_DIR=str(directory / "run"))
    return subprocess.Popen(
        [
            "pulseaudio", "-n", "-F", str(directory / "lab.pa"), "--daemonize=no",
            "--exit-idle-time=-1", "--use-pid-file=no", "--realtime=no", "--high-priority=no",
            "--log-target=stderr",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
