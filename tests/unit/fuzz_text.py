"""Seeded mutations of TOML text for the workout and settings fuzzers.

Used by `test_fuzz_workouts.py` and `test_fuzz_settings.py`: each mutation is what a hand, an
editor or a hostile sender might do to a file (huge integers, deep nesting, control characters,
wrong types, truncation, random bytes). A `random.Random` with a fixed seed makes every run the
same, so a failure is reproducible from its trial number.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

_INTEGER = re.compile(rb"(?<![\w.\"'-])\d+(?![\w.\"'])")
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
_VALUE = re.compile(rb"^([A-Za-z_][\w.-]*\s*=\s*)(.+)$", re.M)

_CONTROLS = [b"\\u001b]0;owned\\u0007", b"\\u001b[2J", b"\\u0007", b"\\u009b", b"\\u0000",
             b"\\r", b"\\n", b"\\t", b"\x1b", b"\x07"]
_VALUES = [b'"text"', b"true", b"0", b"-1", b"1.5", b"inf", b"nan", b"-inf", b"[]", b"{}",
           b"[1, 2, 3]", b'["a", "b"]', b"{ a = 1 }", b"1979-05-27", b"07:32:00", b'""',
           b"1e400", b"0x7f", b"[[1]]", b'"~nosuchuser/x"', b'"~/x"', b'"\\u00b2"']


def _big_integer(rng: random.Random, text: bytes) -> bytes:
    found = list(_INTEGER.finditer(text))
    digits = rng.choice([20, 41, 400, 4300, 4301, 5000, 9000])
    number = str(rng.randint(1, 9)).encode() + b"9" * (digits - 1)
    if not found:
        return text + b"\nx = " + number + b"\n"
    match = rng.choice(found)
    return text[: match.start()] + number + text[match.end() :]


def _deep(rng: random.Random, text: bytes) -> bytes:
    found = list(_VALUE.finditer(text))
    depth = rng.choice([2, 8, 9, 50, 330, 400, 490, 600, 2000])
    opener, closer = rng.choice([(b"[", b"]"), (b"{ a = ", b" }")])
    if not found:
        return text + b"\nx = " + opener * depth + b"1" + closer * depth + b"\n"
    match = rng.choice(found)
    value = opener * depth + match.group(2) + closer * depth
    return text[: match.start(2)] + value + text[match.end(2) :]


def _control(rng: random.Random, text: bytes) -> bytes:
    found = list(_STRING.finditer(text))
    control = rng.choice(_CONTROLS)
    if not found:
        return text + b'\nx = "' + control + b'"\n'
    match = rng.choice(found)
    at = rng.randint(match.start() + 1, match.end() - 1)
    return text[:at] + control + text[at:]


def _wrong_type(rng: random.Random, text: bytes) -> bytes:
    found = list(_VALUE.finditer(text))
    if not found:
        return text + b"\nx = " + rng.choice(_VALUES) + b"\n"
    match = rng.choice(found)
    return text[: match.start(2)] + rng.choice(_VALUES) + text[match.end(2) :]


def _truncate(rng: random.Random, text: bytes) -> bytes:
    return text[: rng.randint(0, len(text))]


def _random_bytes(rng: random.Random, text: bytes) -> bytes:
    data = bytearray(text)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        if rng.random() < 0.5 and at < len(data):
            data[at] = rng.randrange(256)
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return bytes(data)


def _lines(rng: random.Random, text: bytes) -> bytes:
    lines = text.split(b"\n")
    at = rng.randrange(len(lines))
    if rng.random() < 0.5:
        del lines[at]
    else:
        lines.insert(rng.randrange(len(lines) + 1), lines[at])
    return b"\n".join(lines)


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "big integer": _big_integer,
    "deep nesting": _deep,
    "control character": _control,
    "wrong type": _wrong_type,
    "truncation": _truncate,
    "random bytes": _random_bytes,
    "lines": _lines,
}


def run_trials(
    seed: int, trials: int, bases: list[bytes], path: Path, judge: Callable[[Path], str | None]
) -> list[str]:
    """Write `trials` mutations of `bases` to `path`, one at a time, and ask `judge` what is
    wrong with how each was handled (None: nothing). Returns a line per failure, with the trial
    number and mutation; an exception is a failure too. Every mutation must have been tried."""
    rng = random.Random(seed)
    failures: list[str] = []
    kinds: dict[str, int] = dict.fromkeys(MUTATIONS, 0)
    for trial in range(trials):
        kind, text = mutate(rng, rng.choice(bases))
        kinds[kind] += 1
        path.write_bytes(text)
        try:
            problem = judge(path)
        except Exception as err:  # the very thing the fuzzers look for
            problem = f"{type(err).__name__}: {err}"[:200]
        if problem is not None:
            failures.append(f"trial {trial} ({kind}): {problem}")
    assert all(count > 0 for count in kinds.values()), kinds
    return failures


def mutate(rng: random.Random, text: bytes) -> tuple[str, bytes]:
    """One to three mutations of `text`; the name of the first, for the failure report."""
    names = [rng.choice(list(MUTATIONS)) for _ in range(rng.choice([1, 1, 2, 3]))]
    for name in names:
        text = MUTATIONS[name](rng, text)
    return names[0], text
