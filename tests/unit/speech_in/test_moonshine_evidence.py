"""The Moonshine engine's verdict: spelling similarity, and fitted weights that lean the way the
evidence means (surer, more separated and better matching phrases are accepted sooner)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from companion.domain.events import Command
from companion.speech_in.engines.moonshine import evidence as moonshine_evidence
from companion.speech_in.engines.moonshine.engine import TUNING, Verdict, Weighing, verdict
from companion.speech_in.engines.moonshine.evidence import (
    Evidence,
    belief,
    similarity,
)


def test_similarity_compares_spelling_without_case_or_punctuation() -> None:
    assert similarity("Next set.", "next set") == 1.0
    assert similarity("Next year.", "next set") > similarity("Get ready for squats.", "next set")
    assert similarity("", "pause") == 0.0


@pytest.mark.parametrize(
    ("feature", "sign"),
    [("lift", 1), ("separation", 1), ("similarity", 1), ("margin", -1)],
)
def test_fitted_weights_lean_the_way_the_evidence_means(feature: str, sign: int) -> None:
    assert sign * moonshine_evidence.fitted().weights[feature] > 0


def test_a_likelier_phrase_is_never_less_convincing() -> None:
    # The phrase's log-probability is weighed twice: on its own and in its lift over silence;
    # the two together must lean towards accepting.
    weights = moonshine_evidence.fitted().weights
    assert weights["log_prob"] + weights["lift"] > 0


CLEAR = Evidence(
    log_prob=-0.3,
    lift=8.0,
    margin=-0.2,
    separation=8.0,
    similarity=1.0,
    seconds=1.0,
)


def test_a_clear_command_convinces_and_a_doubtful_one_does_not() -> None:
    assert belief(CLEAR, Command.PAUSE) > 0
    # "Two." heard, best phrase "no": another transcript far likelier, spelled differently.
    doubtful = replace(CLEAR, log_prob=-7.0, lift=1.0, margin=7.0, separation=0.5, similarity=0.4)
    assert belief(doubtful, Command.PAUSE) <= 0


def test_every_feature_has_a_weight() -> None:
    assert set(moonshine_evidence.fitted().weights) == set(moonshine_evidence.FEATURES)


def test_a_phrase_just_short_of_convincing_is_a_near_miss_and_a_far_one_is_not() -> None:
    doubtful = replace(CLEAR, log_prob=-7.0, lift=1.0, margin=7.0, separation=0.5, similarity=0.4)
    near = replace(CLEAR, lift=2.0, separation=2.0)
    assert TUNING.near_belief <= belief(near, Command.PAUSE) <= 0 < belief(CLEAR, Command.PAUSE)
    assert belief(doubtful, Command.PAUSE) < TUNING.near_belief
    assert verdict(Weighing("pause", Command.PAUSE, CLEAR)) == Verdict("pause")
    assert verdict(Weighing("pause", Command.PAUSE, near)) == Verdict(fragment=True, near="pause")
    assert verdict(Weighing("pause", Command.PAUSE, doubtful)) == Verdict(fragment=True)


def test_a_commands_offset_moves_only_that_commands_verdict() -> None:
    near = replace(CLEAR, lift=2.0, separation=2.0)  # just short of convincing
    shipped = moonshine_evidence.fitted()
    leaning = moonshine_evidence.JudgeWeights(
        shipped.bias, shipped.weights, {**shipped.offsets, Command.PAIN: 2.0}
    )
    base = belief(near, Command.PAIN, shipped) - shipped.offsets.get(Command.PAIN, 0.0)
    assert belief(near, Command.PAIN, leaning) == pytest.approx(base + 2.0)
    assert belief(near, Command.PAUSE, leaning) == belief(near, Command.PAUSE, shipped)
    pain, pause = Weighing("pain", Command.PAIN, near), Weighing("pause", Command.PAUSE, near)
    assert verdict(pain, leaning) == Verdict("pain")
    assert verdict(pause, leaning) == verdict(pause, shipped)


def test_the_shipped_offsets_lean_as_the_fit_allows() -> None:
    """Pain and the emergency words are never made harder to say, next and skip never easier
    (benchmarks/fit_judge.py, OFFSET_LEANS)."""
    offsets = moonshine_evidence.fitted().offsets
    assert all(offsets.get(c, 0.0) >= 0 for c in (Command.PAIN, Command.HALT, Command.STOP))
    assert all(offsets.get(c, 0.0) <= 0 for c in (Command.NEXT, Command.SKIP))
