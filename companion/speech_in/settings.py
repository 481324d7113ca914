"""Listening settings: the `[listen]` table of the settings file, overridden by command-line flags.

`companion start` and `companion listen` call `add_listen_arguments(parser)` and
`settings_from_args(args)`; `listener.open_speech_in(settings)` takes the result.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from companion import config, paths
from companion.speech_in.engine import EngineName
from companion.speech_in.gate import TUNING as GATE

ENGINES = tuple(name.value for name in EngineName)  # what the settings file and --engine accept

# Longer would leave commands unheard for seconds after every cue.
MAX_TAIL_S = 2.0

ALLOWED: dict[str, type | tuple[type, ...]] = {
    "enabled": bool,
    "engine": str,
    "model": str,
    "language": str,
    "device": (str, int),
    "self_voice_tail": float,
    "echo_cancellation": bool,
}


@dataclass(frozen=True)
class ListenSettings:
    enabled: bool = True
    engine: EngineName = EngineName.AUTO
    model: Path | None = None  # a Vosk model directory; None means search the usual places
    model_from: str = "--model"  # where `model` was given, for an error about it
    language: str | None = None  # None: from the model's name, else English
    device: str | int | None = None  # input device name or index; None is the system default
    self_voice_tail: float = GATE.tail_s  # seconds after the companion's speech that stay ignored
    # Remove the companion's own voice from the microphone, so "pain" and "stop" are heard while
    # it speaks; off, it does not listen while speaking (plus `self_voice_tail`).
    echo_cancellation: bool = True


def _rules(values: dict[str, Any]) -> list[str]:
    """The settings file's problems beyond each key's type."""
    problems: list[str] = []
    if values.get("engine", "auto") not in ENGINES:
        problems.append(f"listen.engine must be one of {', '.join(ENGINES)}")
    tail = values.get("self_voice_tail", GATE.tail_s)
    if not 0 <= tail <= MAX_TAIL_S:
        # A negative tail would let the end of the companion's own words through as commands.
        got = f"{tail:g}" if abs(tail) < 1e15 else config.shown(tail)
        problems.append(
            f"listen.self_voice_tail must be between 0 and {MAX_TAIL_S:g} seconds, not {got}"
        )
    model = values.get("model")
    if model and config.home_path(model) is None:
        problems.append(f"listen.model: {_no_home(model)}")
    return problems


def _no_home(model: str) -> str:
    home = model.split("/", 1)[0]
    return f"{model!r} starts with {home}, but there is no such home directory"


TABLE = config.Table(ALLOWED, _rules)


def load_listen_settings(
    path: Path | None = None, overridden: set[str] | None = None
) -> ListenSettings:
    """The `[listen]` table; every problem in the settings file is an error naming the file."""
    replaced = overridden or set()
    # A key a flag replaces may hold a bad value (it was let through for that reason): skip it.
    values = {
        key: value
        for key, value in config.table(config.load(path, replaced), "listen").items()
        if f"listen.{key}" not in replaced
    }
    where = path or paths.config_file()
    model = values.get("model")
    return ListenSettings(
        enabled=values.get("enabled", True),
        engine=EngineName(values.get("engine", "auto")),
        model=config.home_path(model) if model else None,
        model_from=f"{where}: listen.model",
        language=values.get("language"),
        device=config.device(values["device"]) if "device" in values else None,
        self_voice_tail=float(values.get("self_voice_tail", GATE.tail_s)),
        echo_cancellation=values.get("echo_cancellation", True),
    )


def add_listen_arguments(parser: argparse.ArgumentParser, *, allow_off: bool = True) -> None:
    # Absent options stay absent, as in `speech_out.settings.add_speech_arguments`.
    group = parser.add_argument_group("voice commands", argument_default=argparse.SUPPRESS)
    group.add_argument(
        "--engine", choices=ENGINES,
        help="speech recogniser (default: the one measured best for the language)",
    )
    group.add_argument(
        "--model", type=Path, metavar="PATH", help="a Vosk model directory"
    )
    group.add_argument(
        "--language", metavar="CODE",
        help="command vocabulary language, e.g. en or ko (default: from the model, else en)",
    )
    if allow_off:
        group.add_argument(
            "--no-listen", action="store_true", help="do not listen; use the keys only"
        )


def settings_from_args(args: argparse.Namespace) -> ListenSettings:
    from companion.errors import UserError

    settings = load_listen_settings(overridden=config.overridden(args))
    if getattr(args, "no_listen", False):
        settings = replace(settings, enabled=False)
    if "engine" in args:
        settings = replace(settings, engine=EngineName(args.engine))
    if "model" in args:
        model = config.home_path(str(args.model))
        if model is None:
            raise UserError(f"--model: {_no_home(str(args.model))}")
        settings = replace(settings, model=model, model_from="--model")
    if "language" in args:
        settings = replace(settings, language=args.language)
    return settings
