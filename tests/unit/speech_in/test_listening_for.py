"""`CommandStream.listen_for`: only the commands a step can act on, and the safety ones, are
decided; numbers still are (the reps answer), and None listens for everything again."""

from __future__ import annotations

from companion.domain.events import Command
from companion.speech_in.matcher import Decision, Hypothesis, Matcher
from companion.speech_in.pipeline import CommandStream
from companion.speech_in.vocabulary import load_vocabulary


class Saying:
    """A recognizer that hears, at each block, the next of its phrases; it notes what it was
    told to listen for."""

    def __init__(self, *phrases: str) -> None:
        self.phrases = list(phrases)
        self.told: list[frozenset[Command] | None] = []

    def accept(self, pcm: bytes) -> Hypothesis | None:
        return Hypothesis(self.phrases.pop(0), True) if self.phrases else None

    def finish(self) -> Hypothesis | None:
        return None

    def reset(self) -> None:
        pass

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        self.told.append(commands)


def decided(stream: CommandStream, blocks: int) -> list[tuple[Command | None, str]]:
    found = [stream.feed(b"\0\0" * 1600) for _ in range(blocks)]
    return [(d.command, d.heard) for d in found if isinstance(d, Decision)]


def test_a_command_not_listened_for_is_not_decided_but_safety_and_numbers_are() -> None:
    saying = Saying("easier", "next set", "my back hurts", "stop", "nine", "yes")
    stream = CommandStream(saying, Matcher(load_vocabulary("en")))
    stream.listen_for(frozenset({Command.NEXT}))
    assert saying.told == [frozenset({Command.NEXT, Command.PAIN, Command.HALT, Command.STOP})]
    assert decided(stream, 6) == [
        (Command.NEXT, "next set"),
        (Command.PAIN, "my back hurts"),
        (Command.HALT, "stop"),
        (None, "nine"),
    ]


def test_listening_for_everything_again() -> None:
    saying = Saying("easier")
    stream = CommandStream(saying, Matcher(load_vocabulary("en")))
    stream.listen_for(frozenset({Command.YES}))
    stream.listen_for(None)
    assert saying.told[-1] is None
    assert decided(stream, 1) == [(Command.EASIER, "easier")]
