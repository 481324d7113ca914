"""Numbers in a vocabulary file (issue 26: "how many reps?" answered by voice): parsed and checked
like the rest of the file, optional, heard as numbers, never as commands."""

from __future__ import annotations

import pytest

from companion.errors import UserError
from companion.speech_in.matcher import Decision, Hypothesis, Matcher
from companion.speech_in.vocabulary import load_vocabulary, parse_vocabulary

WHOLE = "must be a whole number of 1 or more$"
HEAD = 'language = "x"\nnot_commands = ["one"]\n'
COMMANDS = '[commands]\nyes = ["ok"]\n'


def test_the_english_numbers_name_what_they_say() -> None:
    vocabulary = load_vocabulary("en")
    assert vocabulary.number_for("nine") == 9
    assert vocabulary.number_for(" Twelve ") == 12
    assert vocabulary.number_for("fifteen") == 15
    assert vocabulary.command_for("twelve") is None  # a number is no command
    # Every count the companion says is a number too, and each phrase is listened for once.
    assert set(vocabulary.not_commands) & set(vocabulary.numbers) >= {"one", "ten"}
    assert len(set(vocabulary.alternatives)) == len(vocabulary.alternatives)
    assert set(vocabulary.alternatives) == set(vocabulary.not_commands) | set(vocabulary.numbers)


def test_a_file_without_numbers_has_none() -> None:
    assert parse_vocabulary(HEAD + COMMANDS, "x.toml").numbers == {}
    assert load_vocabulary("ko").numbers == {}  # the Korean file has none (yet)


def test_numbers_are_parsed_and_kept_through_without() -> None:
    numbers = '[numbers]\n" One " = 1\ntwelve = 12\n'
    vocabulary = parse_vocabulary(HEAD + COMMANDS + numbers, "x.toml")
    assert vocabulary.numbers == {"one": 1, "twelve": 12}
    assert vocabulary.alternatives == ("one", "twelve")  # "one" was a not-command already
    assert vocabulary.without({"ok"}).numbers == {"one": 1, "twelve": 12}


@pytest.mark.parametrize(
    ("numbers", "error"),
    [
        ('numbers = ["one"]\n', r'^x.toml: numbers must be a table of phrase = number \("twelve"'),
        ('[numbers]\ntwelve = "12"\n', rf"^x.toml: numbers.twelve {WHOLE}"),
        ("[numbers]\nzero = 0\n", rf"^x.toml: numbers.zero {WHOLE}"),
        ("[numbers]\nyes = true\n", rf"^x.toml: numbers.yes {WHOLE}"),
        ('[numbers]\n" " = 1\n', r"^x.toml: numbers has an empty phrase$"),
        ("[numbers]\nOK = 1\n", r"^x.toml: phrase 'ok' is both yes and a number$"),
        ('[numbers]\none = 1\n" one" = 2\n', r"^x.toml: phrase 'one' is both 1 and 2$"),
    ],
)
def test_a_wrong_number_names_the_file_and_the_key(numbers: str, error: str) -> None:
    with pytest.raises(UserError, match=error):
        parse_vocabulary(HEAD + numbers + COMMANDS, "x.toml")


def test_a_number_heard_alone_is_decided_as_a_number_on_its_final() -> None:
    matcher = Matcher(load_vocabulary("en"), stable_s=0.1)
    for at in (1.0, 1.2, 1.4):  # never early: a partial "twelve" may still be more words
        assert matcher.feed(Hypothesis("twelve", False), at) is None
    assert matcher.feed(Hypothesis("twelve", True), 1.6) == Decision(None, "twelve", 12)
    assert matcher.feed(Hypothesis("twelve reps", True), 2.0) is None  # exact phrases only
    decision = matcher.feed(Hypothesis("next", True), 3.0)
    assert isinstance(decision, Decision)
    assert decision.number is None and decision.command is not None
