"""Vocabulary files, exact-phrase matching, early decisions, the self-voice gate, resampling."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.gate import GateTuning, SelfVoiceGate
from companion.speech_in.matcher import Hypothesis, Matcher, Missed, early_phrases
from companion.speech_in.vocabulary import load_vocabulary, parse_vocabulary
from companion.speech_out.port import Playback


def test_every_command_has_english_phrases() -> None:
    vocabulary = load_vocabulary("en")
    assert set(vocabulary.phrases.values()) == set(Command)
    assert vocabulary.command_for("  Next   SET ") is Command.NEXT
    assert vocabulary.command_for("my back hurts") is Command.PAIN
    # Only "stop workout" ends a workout; plain "stop" is an emergency word: everything halts.
    assert vocabulary.command_for("stop") is not Command.STOP
    assert vocabulary.command_for("stop") is Command.HALT


def test_emergency_words_halt_or_report_pain() -> None:
    """People in trouble do not say "stop workout" (issue 24)."""
    vocabulary = load_vocabulary("en")
    for phrase in ("stop", "stop stop", "help"):
        assert vocabulary.command_for(phrase) is Command.HALT, phrase
    for phrase in ("ouch", "ow"):
        assert vocabulary.command_for(phrase) is Command.PAIN, phrase
    # Not "wait": Moonshine hears the count "one" as "wait" (tests/audio/test_listen_moonshine).
    assert vocabulary.command_for("wait") is None
    assert vocabulary.command_for("stop workout") is Command.STOP
    assert vocabulary.command_for("end workout") is Command.STOP


def test_korean_file_is_another_language() -> None:
    vocabulary = load_vocabulary("ko")
    assert vocabulary.language == "ko"
    assert vocabulary.command_for("운동 종료") is Command.STOP


def test_bad_vocabulary_files_name_the_problem() -> None:
    with pytest.raises(UserError, match="unknown command 'jump'"):
        parse_vocabulary('language = "x"\n[commands]\njump = ["jump"]\n', "x.toml")
    with pytest.raises(UserError, match="means both"):
        parse_vocabulary('language = "x"\n[commands]\nyes = ["ok"]\nno = ["ok"]\n', "x.toml")
    with pytest.raises(UserError, match="no command vocabulary"):
        load_vocabulary("xx")
    with pytest.raises(UserError, match=r"^x.toml: not_commands must be a list of phrases$"):
        parse_vocabulary(
            'language = "x"\nnot_commands = "one"\n[commands]\nyes = ["ok"]\n', "x.toml"
        )
    with pytest.raises(UserError, match=r"^x.toml: phrase 'ok' is both yes and in not_commands$"):
        parse_vocabulary(
            'language = "x"\nnot_commands = ["OK"]\n[commands]\nyes = ["ok"]\n', "x.toml"
        )


def test_words_that_are_not_commands_are_kept_apart_and_match_nothing() -> None:
    vocabulary = parse_vocabulary(
        'language = "x"\nnot_commands = [" One ", "two"]\n[commands]\nyes = ["ok"]\n', "x.toml"
    )
    assert vocabulary.not_commands == ("one", "two")
    assert vocabulary.command_for("one") is None
    assert vocabulary.without({"ok"}).not_commands == ("one", "two")


def test_a_command_without_phrases_is_refused_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("companion.speech_in.vocabulary.vocabulary_dir", lambda: tmp_path)
    (tmp_path / "xa.toml").write_text('language = "xa"\n[commands]\nnext = []\n')
    with pytest.raises(UserError) as raised:
        load_vocabulary("xa")
    assert str(raised.value) == f"{tmp_path / 'xa.toml'}: commands.next has no phrases"


def test_a_vocabulary_file_not_in_utf8_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("companion.speech_in.vocabulary.vocabulary_dir", lambda: tmp_path)
    # Saved as Latin-1 by an editor: "café" in a comment.
    (tmp_path / "xb.toml").write_bytes(b'language = "xb"\n[commands]\nnext = ["next"]\n# caf\xe9\n')
    with pytest.raises(UserError) as raised:
        load_vocabulary("xb")
    assert str(raised.value).startswith(f"{tmp_path / 'xb.toml'}: not UTF-8")
    assert str(raised.value).endswith("save the file as UTF-8")


def test_finals_must_be_exact_phrases() -> None:
    matcher = Matcher(load_vocabulary("en"))
    decision = matcher.feed(Hypothesis("next set", True), 1.0)
    assert decision is not None and decision.command is Command.NEXT
    assert matcher.feed(Hypothesis("[unk] next set", True), 2.0) is None
    assert matcher.feed(Hypothesis("next set please", True), 3.0) is None
    assert matcher.feed(Hypothesis("", True), 4.0) is None


def test_an_unsure_final_is_a_near_miss_never_a_decision() -> None:
    matcher = Matcher(load_vocabulary("en"))
    assert matcher.feed(Hypothesis("next set", True, sure=False), 1.0) == Missed(
        Command.NEXT, "next set"
    )
    assert matcher.feed(Hypothesis("one", True, sure=False), 2.0) is None  # a count, no command


def test_early_decision_needs_an_unambiguous_stable_partial() -> None:
    vocabulary = load_vocabulary("en")
    early = early_phrases(vocabulary)
    assert "next" in early  # everything it can grow into means next
    matcher = Matcher(vocabulary, stable_s=0.2)
    assert matcher.feed(Hypothesis("next", False), 1.0) is None
    assert matcher.feed(Hypothesis("next", False), 1.1) is None  # not yet stable
    decision = matcher.feed(Hypothesis("next", False), 1.25)
    assert decision is not None and decision.command is Command.NEXT
    # The final of the same utterance does not fire a second time.
    assert matcher.feed(Hypothesis("next set", True), 1.6) is None
    # A flickering partial never settles.
    assert matcher.feed(Hypothesis("pause", False), 2.0) is None
    assert matcher.feed(Hypothesis("pain", False), 2.3) is None
    assert matcher.feed(Hypothesis("pause", False), 2.35) is None


def test_a_phrase_that_starts_another_commands_phrase_waits_for_the_final() -> None:
    text = 'language = "x"\n[commands]\nnext = ["set"]\nstop = ["set down"]\n'
    vocabulary = parse_vocabulary(text, "x.toml")
    assert early_phrases(vocabulary) == {"set down"}
    matcher = Matcher(vocabulary, stable_s=0.1)
    for at in (1.0, 1.2, 1.4):
        assert matcher.feed(Hypothesis("set", False), at) is None
    decision = matcher.feed(Hypothesis("set down", True), 1.6)
    assert decision is not None and decision.command is Command.STOP


def test_gate_covers_speech_and_its_tail() -> None:
    now = [12.0]
    gate = SelfVoiceGate(GateTuning(tail_s=0.3), clock=lambda: now[0])
    gate.on_playback(Playback("next set", started=10.0, ended=None))
    assert gate.blocked(11.0, 11.05)  # still playing
    assert not gate.blocked(9.0, 9.5)
    gate.on_playback(Playback("next set", started=10.0, ended=11.0))
    assert gate.blocked(11.2, 11.25)  # inside the tail
    assert not gate.blocked(11.35, 11.4)


def test_gate_forgets_old_speech() -> None:
    now = [100.0]
    gate = SelfVoiceGate(GateTuning(tail_s=0.3), clock=lambda: now[0])
    gate.on_playback(Playback("one", started=10.0, ended=11.0))
    gate.on_playback(Playback("two", started=99.0, ended=None))
    assert not gate.blocked(10.5, 10.6)  # long gone, pruned
    assert gate.blocked(99.5, 99.6)


def test_an_engine_hears_only_phrases_whose_every_word_its_model_knows() -> None:
    vocabulary = parse_vocabulary(
        'language = "x"\n[commands]\nyes = ["ok", "fine"]\nno = ["not ok"]\n', "x.toml"
    )
    usable, missing = vocabulary.hearable(lambda word: word != "not")
    assert missing == ("not",)
    assert list(usable.phrases) == ["ok", "fine"]
