"""The spoken-command vocabulary of one language, read from `companion/vocabulary/<lang>.toml`.

Used by the matcher (phrase -> command, or number), by the engines (the words and phrases they
listen for) and by `companion doctor`. The phrases live in data files so that another language is
another file, not another code path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from companion.domain.events import Command
from companion.errors import UserError, not_utf8


def normalise(text: str) -> str:
    """One spelling for comparing phrases: lower case, single spaces."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Vocabulary:
    language: str
    name: str
    phrases: dict[str, Command]  # normalised phrase -> command
    # Words often said near the microphone that are not commands: the companion's own counts and
    # calls, which people echo while they train. An engine that weighs alternatives lets them win
    # as themselves, so "four" is not taken for the nearest command ("form").
    not_commands: tuple[str, ...] = ()
    # Number words (normalised phrase -> the number): heard as numbers, which answer "how many
    # reps?" while the session asks it and are no command otherwise. Optional in a file.
    numbers: dict[str, int] = field(default_factory=dict)

    def words(self) -> list[str]:
        """Every distinct word of every phrase, in first-seen order."""
        seen: dict[str, None] = {}
        for phrase in self.phrases:
            for word in phrase.split():
                seen.setdefault(word, None)
        return list(seen)

    @property
    def alternatives(self) -> tuple[str, ...]:
        """What engines listen for besides the commands: the not-commands and the numbers,
        each once."""
        extra = tuple(p for p in self.numbers if p not in self.not_commands)
        return (*self.not_commands, *extra)

    def command_for(self, text: str) -> Command | None:
        return self.phrases.get(normalise(text))

    def number_for(self, text: str) -> int | None:
        return self.numbers.get(normalise(text))

    def without(self, dropped: set[str]) -> Vocabulary:
        """The same vocabulary minus the given phrases (those an engine cannot hear)."""
        kept = {p: c for p, c in self.phrases.items() if p not in dropped}
        return Vocabulary(self.language, self.name, kept, self.not_commands, self.numbers)

    def hearable(self, knows: Callable[[str], bool]) -> tuple[Vocabulary, tuple[str, ...]]:
        """What a model that `knows` some words can hear: the phrases all of whose words it
        knows, and the words it lacks (engines with a lexicon report them; see `Engine.missing`)."""
        missing = tuple(w for w in self.words() if not knows(w))
        dropped = {p for p in self.phrases if any(w in missing for w in p.split())}
        return self.without(dropped), missing


def vocabulary_dir() -> Path:
    return Path(str(resources.files("companion") / "vocabulary"))


def available_languages() -> list[str]:
    return sorted(p.stem for p in vocabulary_dir().glob("*.toml"))


def load_vocabulary(language: str) -> Vocabulary:
    path = vocabulary_dir() / f"{language}.toml"
    if not path.is_file():
        known = ", ".join(available_languages())
        raise UserError(f"no command vocabulary for language {language!r} (available: {known})")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise not_utf8(path, err) from err
    return parse_vocabulary(text, str(path))


def parse_vocabulary(text: str, where: str) -> Vocabulary:
    """Parse and check a vocabulary file; every problem names the file and the entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{where}: not valid TOML: {err}") from err
    language = data.get("language")
    if not isinstance(language, str) or not language:
        raise UserError(f'{where}: needs language = "<code>"')
    name = data.get("name", language)
    table = data.get("commands")
    if not isinstance(table, dict) or not table:
        raise UserError(f"{where}: needs a [commands] table")
    names = {c.value: c for c in Command}
    phrases: dict[str, Command] = {}
    for key, values in table.items():
        command = names.get(key)
        if command is None:
            raise UserError(f"{where}: unknown command {key!r} (known: {', '.join(names)})")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise UserError(f"{where}: commands.{key} must be a list of phrases")
        if not values:  # no engine can listen for a command without a phrase
            raise UserError(f"{where}: commands.{key} has no phrases")
        for value in values:
            phrase = normalise(value)
            if not phrase:
                raise UserError(f"{where}: commands.{key} has an empty phrase")
            other = phrases.get(phrase)
            if other is not None and other is not command:
                raise UserError(f"{where}: phrase {phrase!r} means both {other.value} and {key}")
            phrases[phrase] = command
    not_commands = _not_commands(data, phrases, where)
    return Vocabulary(language, str(name), phrases, not_commands, _numbers(data, phrases, where))


def _not_commands(
    data: dict[str, object], phrases: dict[str, Command], where: str
) -> tuple[str, ...]:
    values = data.get("not_commands", [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise UserError(f"{where}: not_commands must be a list of phrases")
    normalised = tuple(normalise(v) for v in values)
    for phrase in normalised:
        if not phrase:
            raise UserError(f"{where}: not_commands has an empty phrase")
        if phrase in phrases:
            raise UserError(
                f"{where}: phrase {phrase!r} is both {phrases[phrase].value} and in not_commands"
            )
    return normalised


def _numbers(data: dict[str, object], phrases: dict[str, Command], where: str) -> dict[str, int]:
    """The optional [numbers] table: phrase = the whole number it names (1 or more)."""
    table = data.get("numbers", {})
    if not isinstance(table, dict):
        raise UserError(f'{where}: numbers must be a table of phrase = number ("twelve" = 12)')
    numbers: dict[str, int] = {}
    for key, value in table.items():
        phrase = normalise(key)
        if not phrase:
            raise UserError(f"{where}: numbers has an empty phrase")
        if type(value) is not int or value < 1:
            raise UserError(f"{where}: numbers.{key} must be a whole number of 1 or more")
        if phrase in phrases:
            raise UserError(
                f"{where}: phrase {phrase!r} is both {phrases[phrase].value} and a number"
            )
        other = numbers.get(phrase)
        if other is not None and other != value:
            raise UserError(f"{where}: phrase {phrase!r} is both {other} and {value}")
        numbers[phrase] = value
    return numbers
