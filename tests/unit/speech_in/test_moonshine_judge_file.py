"""The Moonshine verdict's weights are data shipped with the package (`judge.json`, written by
`benchmarks/fit_judge.py`); a broken file is reported naming the file and the key."""

from __future__ import annotations

import json

import pytest

from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.engines.moonshine.evidence import (
    FEATURES,
    JudgeWeights,
    fitted,
    judge_path,
    parse_weights,
)


def test_the_shipped_file_gives_a_weight_to_every_measurement() -> None:
    assert judge_path().is_file()
    assert list(fitted().weights) == list(FEATURES)


def test_what_fit_judge_writes_reads_back_the_same() -> None:
    offsets = {Command.PAIN: 1.0, Command.HEAVIER: -1.75}
    judge = JudgeWeights(-1.5, {name: 0.25 for name in FEATURES}, offsets)
    assert parse_weights(json.dumps(judge.as_json()), "judge.json") == judge


def test_a_file_without_offsets_gives_every_command_none() -> None:
    weights = {name: 0.25 for name in FEATURES}
    text = json.dumps({"bias": -1.5, "weights": weights})
    assert parse_weights(text, "judge.json") == JudgeWeights(-1.5, weights, {})


WEIGHTS = ", ".join(f'"{name}": 0.1' for name in FEATURES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "must hold an object with bias and weights"),
        (f'{{"weights": {{{WEIGHTS}}}}}', "bias must be a number"),
        (f'{{"bias": true, "weights": {{{WEIGHTS}}}}}', "bias must be a number"),
        ('{"bias": 1, "weights": {"lift": 1}}', "weights must give exactly log_prob, lift, "),
        (
            f'{{"bias": 1, "weights": {{{WEIGHTS.replace("0.1", chr(34) + "x" + chr(34), 1)}}}}}',
            "weights.log_prob must be a number",
        ),
        (f'{{"bias": 1, "weights": {{{WEIGHTS}}}, "offsets": []}}', "offsets must be an object"),
        (
            f'{{"bias": 1, "weights": {{{WEIGHTS}}}, "offsets": {{"pian": 1}}}}',
            "offsets.pian is not a command",
        ),
        (
            f'{{"bias": 1, "weights": {{{WEIGHTS}}}, "offsets": {{"pain": "1"}}}}',
            "offsets.pain must be a number",
        ),
    ],
)
def test_a_broken_judge_file_names_the_file_and_the_key(text: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_weights(text, "/x/judge.json")
    assert str(raised.value).startswith(f"/x/judge.json: {message}")
