"""Speech settings: the `[speech]` table of the settings file, overridden by command-line flags.

`companion start` calls `add_speech_arguments(parser)` and `settings_from_args(args)`;
`companion say` does the same without `--mute`. `speaker.open_speech_out` takes the result.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion import config
from companion.domain.timeline import DEFAULT_WORDS_PER_MINUTE
from companion.errors import UserError

RATE_RANGE = (80, 450)  # words per minute espeak-ng renders intelligibly
VOLUME_RANGE = (0.0, 1.0)


def _out_of_range(name: str, value: object) -> str | None:
    """Why `value` is not allowed for setting `name` ("must be between …"), or None."""
    limits = {"rate": RATE_RANGE, "volume": VOLUME_RANGE}.get(name)
    if limits is None or not isinstance(value, int | float):
        return None
    low, high = limits
    if low <= value <= high:
        return None
    # `:g` would turn an integer of a thousand digits into a float, which overflows.
    got = f"{value:g}" if abs(value) < 1e15 else config.shown(value)
    return f"must be between {low:g} and {high:g}, not {got}"


@dataclass(frozen=True)
class SpeechSettings:
    voice: str | None = None  # a pyttsx3 voice id (`companion voices`); None: the engine default
    rate: int = DEFAULT_WORDS_PER_MINUTE  # words per minute
    volume: float = 1.0  # 0.0 … 1.0, applied at playback
    device: int | str | None = None  # output device index or name; None: the system default
    mute: bool = False
    # The short tones for "command taken" and "heard, but no command" (`earcons`); off, only words.
    earcons: bool = True

    def __post_init__(self) -> None:
        for name in ("rate", "volume"):
            problem = _out_of_range(name, getattr(self, name))
            if problem is not None:
                raise UserError(f"speech {name} {problem}")


CONFIG_KEYS: dict[str, type | tuple[type, ...]] = {
    "voice": str,
    "rate": int,
    "volume": float,
    "device": (str, int),
    "earcons": bool,
}


def _rules(values: dict[str, Any]) -> list[str]:
    """The settings file's problems beyond each key's type."""
    problems = [
        f"speech.{name} {problem}"
        for name, value in values.items()
        if (problem := _out_of_range(name, value)) is not None
    ]
    if "voice" in values:
        problem = _voice_problem(values["voice"])
        if problem is not None:
            problems.append(f"speech.voice: {problem}")
    return problems


def _voice_problem(voice: str) -> str | None:
    # Imported here: rendering needs numpy, which `companion --help` should not wait for.
    from companion.speech_out.render import voice_problem

    return voice_problem(voice)


TABLE = config.Table(CONFIG_KEYS, _rules)


def load_settings(path: Path | None = None) -> SpeechSettings:
    """Settings from the `[speech]` table (defaults for what it leaves out)."""
    return SpeechSettings(**_file_values(path))


def _file_values(path: Path | None, overridden: set[str] | None = None) -> dict[str, Any]:
    table = config.table(config.load(path, overridden or set()), "speech")
    values: dict[str, Any] = {}
    if "voice" in table:
        values["voice"] = table["voice"]
    if "rate" in table:
        values["rate"] = table["rate"]
    if "volume" in table:
        values["volume"] = float(table["volume"])
    if "device" in table:
        values["device"] = config.device(table["device"])
    if "earcons" in table:
        values["earcons"] = table["earcons"]
    return values


def add_speech_arguments(parser: argparse.ArgumentParser, *, mute: bool = True) -> None:
    # Absent options stay absent (not None): `companion --mute start x` parses the top level
    # and then `start`, and a subcommand's default would otherwise overwrite the earlier flag.
    group = parser.add_argument_group("speech", argument_default=argparse.SUPPRESS)
    group.add_argument("--voice", help="voice id (see `companion voices`)")
    group.add_argument(
        "--rate",
        type=int,
        help=f"speaking rate in words per minute (default {DEFAULT_WORDS_PER_MINUTE})",
    )
    group.add_argument("--volume", type=float, help="speech volume from 0 to 1 (default 1)")
    group.add_argument(
        "--device",
        type=config.device,
        help="audio output device, by index or name (default: system)",
    )
    if mute:
        group.add_argument("--mute", action="store_true", help="run silently: cues on screen only")


def settings_from_args(args: argparse.Namespace, path: Path | None = None) -> SpeechSettings:
    """The settings file's `[speech]` table with any flags given on the command line on top.

    Flags win over the file, so a bad value in it can be overridden for a run; a flag's own
    mistake is reported first, as `--rate ...`, then the file's, each with its key.
    """
    flags: dict[str, Any] = {}
    for name in ("voice", "rate", "volume", "device"):
        value = getattr(args, name, None)
        if value is not None:
            flags[name] = value
    if getattr(args, "mute", False):
        flags["mute"] = True
    for name, value in flags.items():
        problem = _out_of_range(name, value)
        if problem is not None:
            raise UserError(f"--{name} {problem}")
    settings = SpeechSettings(**{**_file_values(path, config.overridden(args)), **flags})
    if "voice" in flags and not settings.mute:
        # The same check as the file's voice, before any session starts; said as speech would.
        problem = _voice_problem(flags["voice"])
        if problem is not None:
            raise UserError(f"speech off: {problem}")
    return settings
