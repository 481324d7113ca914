"""The Moonshine engine's verdict: spelling similarity, and fitted weights that lean the way the
evidence means (surer, more separated and better matching phrases are accepted sooner)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from companion.speech_in.engines.moonshine import evidence as moonshine_evidence
from companion.speech_in.engines.moonshine.engine import TUNING, Verdict, verdict
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
    assert belief(CLEAR) > 0
    # "Two." heard, best phrase "no": another transcript far likelier, spelled differently.
    doubtful = replace(CLEAR, log_prob=-7.0, lift=1.0, margin=7.0, separation=0.5, similarity=0.4)
    assert belief(doubtful) <= 0


def test_every_feature_has_a_weight() -> None:
    assert set(moonshine_evidence.fitted().weights) == set(moonshine_evidence.FEATURES)


def test_a_phrase_just_short_of_convincing_is_a_near_miss_and_a_far_one_is_not() -> None:
    doubtful = replace(CLEAR, log_prob=-7.0, lift=1.0, margin=7.0, separation=0.5, similarity=0.4)
    near = replace(CLEAR, lift=2.0, separation=2.0)
    assert TUNING.near_belief <= belief(near) <= 0 < belief(CLEAR)
    assert belief(doubtful) < TUNING.near_belief
    assert verdict(("pause", CLEAR)) == Verdict("pause")
    assert verdict(("pause", near)) == Verdict(fragment=True, near="pause")
    assert verdict(("pause", doubtful)) == Verdict(fragment=True)
