"""Seeded fuzzing of the settings file: mutations of full settings files through the loading
that `start`, `say` and `doctor` do. Every outcome is settings or a `UserError` naming the file,
printable as it is; never another exception. Bounded: fixed trials, a fixed seed, a few seconds."""

from __future__ import annotations

from pathlib import Path

from fuzz_text import run_trials

from companion import config
from companion.errors import UserError
from companion.speech_in.settings import load_listen_settings
from companion.speech_out.settings import load_settings

SEED = 26
TRIALS = 1500

BASES = [
    b"""[speech]
voice = "gmw/en-us"
rate = 175
volume = 1.0
device = "pulse"

[listen]
enabled = true
engine = "auto"
model = "~/models/vosk-model-small-en-us-0.15"
language = "en"
device = "pulse"
self_voice_tail = 0.3
""",
    b'[speech]\nrate = 160\ndevice = 3\n[listen]\nengine = "moonshine"\nself_voice_tail = 1\n',
    b'[listen]\nmodel = "/opt/vosk"\ndevice = "2"\n',
]


def outcome_problem(path: Path) -> str | None:
    """What is wrong with how the settings file `path` was handled, or None."""
    try:
        config.load(path)
        load_settings(path)
        load_listen_settings(path)
    except UserError as err:
        message = str(err)
        if str(path) not in message:
            return f"the error does not name the file: {message[:200]!r}"
        if not all(line.isprintable() for line in message.split("\n")):
            return f"the error prints raw: {message[:200]!r}"
    return None


def test_mutated_settings_files_are_settings_or_an_error_naming_the_file(tmp_path: Path) -> None:
    failures = run_trials(SEED, TRIALS, BASES, tmp_path / "config.toml", outcome_problem)
    assert failures == [], f"{len(failures)} of {TRIALS} failed:\n" + "\n".join(failures[:20])
