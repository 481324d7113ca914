"""The benchmark's 95 % intervals, against values worked out by hand."""

from __future__ import annotations

import pytest
from commands import wilson


def test_no_hits_still_leaves_room_above_zero() -> None:
    # With none seen, the upper end is z² / (n + z²): 3.8416 / 123.8416 for 120 trials.
    assert wilson(0, 120) == [0.0, pytest.approx(0.031, abs=1e-4)]


def test_all_hits_leave_room_below_one() -> None:
    # With all seen, the lower end is n / (n + z²).
    assert wilson(156, 156) == [pytest.approx(156 / 159.8416, abs=1e-4), 1.0]


def test_an_interval_holds_its_rate_and_narrows_with_more_trials() -> None:
    interval = wilson(83, 104)  # 79.8 %
    low, high = interval
    assert low < 83 / 104 < high
    # Worked by hand: centre 0.81654, half-width 0.07933, both over 1.03694.
    assert interval == pytest.approx([0.7110, 0.8640], abs=1e-4)
    wider, narrower = wilson(8, 10), wilson(800, 1000)
    assert wider[1] - wider[0] > narrower[1] - narrower[0]
