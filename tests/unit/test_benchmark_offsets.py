"""`benchmarks/fit_judge.py`'s per-command offsets, on log-odds made up so that the answer can be
worked out by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fit_judge import Key, fit_offsets, load_rows, save_rows


def test_offsets_stop_a_commands_false_accepts_and_catch_pain_within_their_leans() -> None:
    expected: dict[Key, str | None] = {}
    rows: list[dict[str, Any]] = []
    odds: list[float] = []

    def utterance(said: str | None, heard: str, log_odds: float) -> None:
        key = ("clean", len(expected))
        expected[key] = said
        rows.append({"key": key, "command": heard, "row": None})
        odds.append(log_odds)

    for _ in range(2):
        utterance("heavier", "heavier", 3.0)  # clear: taken at any offset down to -2.75
        utterance("pain", "pain", -0.5)  # just short: taken from an offset of +0.75
        utterance("next", "next", -0.5)  # just short, but next may only be made harder
    for _ in range(5):
        utterance(None, "heavier", 0.5)  # "halfway there" taken for "heavier"
    utterance(None, "pain", 0.5)  # one false pain: 1 % of the non-commands
    for _ in range(94):
        utterance(None, "yes", -4.0)

    offsets = fit_offsets(expected, rows, np.array(odds))

    assert offsets == {"heavier": -0.5, "pain": 0.75}


def test_no_offsets_when_a_false_accept_can_only_be_made_harder_by_the_lean() -> None:
    # Two false pains in 100: pain may not be made harder, so only the bias can help.
    expected: dict[Key, str | None] = {("clean", i): None for i in range(100)}
    expected["clean", 100] = "yes"
    rows = [{"key": ("clean", i), "command": "pain", "row": None} for i in range(2)]
    rows.append({"key": ("clean", 100), "command": "yes", "row": None})
    assert fit_offsets(expected, rows, np.array([0.5, 0.5, 3.0])) is None


def test_the_kept_evidence_reads_back_as_it_was_collected(tmp_path: Path) -> None:
    expected: dict[Key, str | None] = {("clean", 0): "pain", ("gym 10dB", 7): None}
    rows: list[dict[str, Any]] = [
        {"key": ("clean", 0), "command": "pain", "row": (-3.5, 2.25, 0.0, 1.5, 1.0, 0.8)},
        {"key": ("gym 10dB", 7), "command": "next", "row": (-9.0, 0.5, 1.0, 0.0, 0.4, 1.2)},
    ]
    save_rows(tmp_path / "rows.json", True, expected, rows)
    read_expected, read_rows = load_rows(tmp_path / "rows.json", gym=True)
    assert read_expected == expected
    assert [(r["key"], r["command"], tuple(r["row"])) for r in read_rows] == [
        (r["key"], r["command"], r["row"]) for r in rows
    ]


def test_evidence_kept_from_other_conditions_is_not_read(tmp_path: Path) -> None:
    save_rows(tmp_path / "rows.json", False, {("clean", 0): None}, [])
    with pytest.raises(SystemExit, match=r"rows\.json holds evidence collected without --gym"):
        load_rows(tmp_path / "rows.json", gym=True)
