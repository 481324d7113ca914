"""Speech settings: the `[speech]` table of the settings file, overridden by command-line flags.

`companion start` calls `add_speech_arguments(parser)` and `settings_from_args(args)`;
`companion say` does the same without `--mute`. `speaker.open_speech_out` takes the result.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from companion import config
from companion.errors import UserError

RATE_RANGE = (80, 450)  # words per minute espeak-ng renders intelligibly


@dataclass(frozen=True)
class SpeechSettings:
    voice: str | None = None  # a pyttsx3 voice id (`companion voices`); None: the engine default
    rate: int = 175  # words per minute
    volume: float = 1.0  # 0.0 … 1.0, applied at playback
    device: int | str | None = None  # output device index or name; None: the system default
    mute: bool = False

    def __post_init__(self) -> None:
        low, high = RATE_RANGE
        if not low <= self.rate <= high:
            raise UserError(f"speech rate must be between {low} and {high}, not {self.rate}")
        if not 0.0 <= self.volume <= 1.0:
            raise UserError(f"speech volume must be between 0 and 1, not {self.volume}")


CONFIG_KEYS: dict[str, type] = {"voice": str, "rate": int, "volume": float, "device": str}


def load_settings(path: Path | None = None) -> SpeechSettings:
    """Settings from the `[speech]` table (defaults for what it leaves out)."""
    table = config.table(config.load(path), "speech", CONFIG_KEYS, path)
    values: dict[str, Any] = {}
    if "voice" in table:
        values["voice"] = table["voice"]
    if "rate" in table:
        values["rate"] = table["rate"]
    if "volume" in table:
        values["volume"] = float(table["volume"])
    if "device" in table:
        values["device"] = _device(table["device"])
    return SpeechSettings(**values)


def _device(value: str) -> int | str:
    """A device is named by its index (as printed by `python -m sounddevice`) or its name."""
    return int(value) if value.strip().isdigit() else value


def add_speech_arguments(parser: argparse.ArgumentParser, *, mute: bool = True) -> None:
    # Absent options stay absent (not None): `companion --mute start x` parses the top level
    # and then `start`, and a subcommand's default would otherwise overwrite the earlier flag.
    group = parser.add_argument_group("speech", argument_default=argparse.SUPPRESS)
    group.add_argument("--voice", help="voice id (see `companion voices`)")
    group.add_argument("--rate", type=int, help="speaking rate in words per minute (default 175)")
    group.add_argument("--volume", type=float, help="speech volume from 0 to 1 (default 1)")
    group.add_argument(
        "--device", type=_device, help="audio output device, by index or name (default: system)"
    )
    if mute:
        group.add_argument("--mute", action="store_true", help="run silently: cues on screen only")


def settings_from_args(args: argparse.Namespace, path: Path | None = None) -> SpeechSettings:
    """The settings file's `[speech]` table with any flags given on the command line on top."""
    settings = load_settings(path)
    flags: dict[str, Any] = {}
    for name in ("voice", "rate", "volume", "device"):
        value = getattr(args, name, None)
        if value is not None:
            flags[name] = value
    if getattr(args, "mute", False):
        flags["mute"] = True
    return replace(settings, **flags)
