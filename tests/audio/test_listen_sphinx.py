"""Real PocketSphinx keyphrase spotting on English commands rendered by espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest
from speech_in_audio import espeak

from companion.audio.wav import read_wav
from companion.domain.events import Command
from companion.speech_in.engines.pocketsphinx import SphinxEngine
from companion.speech_in.pipeline import recognise_samples
from companion.speech_in.vocabulary import load_vocabulary

pytestmark = pytest.mark.audio


@pytest.fixture(scope="module")
def engine() -> SphinxEngine:
    return SphinxEngine.load(load_vocabulary("en"))


def heard(engine: SphinxEngine, wav: Path) -> set[Command | None]:
    samples, rate = read_wav(wav)
    return {c.command for c in recognise_samples(engine, samples, rate)}


def test_every_english_word_is_in_the_dictionary(engine: SphinxEngine) -> None:
    assert engine.missing == ()
    assert set(engine.vocabulary.phrases.values()) == set(Command)


def test_a_spoken_command_is_spotted(engine: SphinxEngine, tmp_path: Path) -> None:
    assert heard(engine, espeak("repeat", tmp_path / "r.wav")) == {Command.REPEAT}


def test_counts_and_chatter_fire_nothing(engine: SphinxEngine, tmp_path: Path) -> None:
    for i, text in enumerate(("one two three", "great job keep going", "rest for sixty seconds")):
        assert heard(engine, espeak(text, tmp_path / f"{i}.wav")) == set(), text
