"""Audio in, commands out: the one path shared by the microphone, `companion listen FILE` and
`benchmarks/commands.py`.

`CommandStream` joins a recognizer and the matcher; `recognise_samples` runs a recording through a
fresh one in real-time-sized blocks (without sleeping) and notes how much audio had been consumed at
each decision; `recognise_blocks` does the same for a recording read block by block from a file.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.audio.pcm import Samples, to_pcm16
from companion.audio.resample import Resampler
from companion.audio.wav import WavError, WavStream
from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engine import SAMPLE_RATE, Engine, Recognizer
from companion.speech_in.matcher import Decision, Hypothesis, Matcher, Missed
from companion.speech_in.port import SAFETY


class CommandStream:
    def __init__(self, recognizer: Recognizer, matcher: Matcher) -> None:
        self._recognizer = recognizer
        self._matcher = matcher
        self.consumed_s = 0.0  # audio fed since the start
        self._listening: frozenset[Command] | None = None  # None: every command

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        """Decide only these commands and the safety ones from now on (None: every command)."""
        self._listening = None if commands is None else commands | SAFETY
        self._recognizer.listen_for(self._listening)

    @classmethod
    def fresh(cls, engine: Engine, stable_s: float = 0.2) -> CommandStream:
        return cls(engine.recognizer(), Matcher(engine.vocabulary, stable_s))

    def feed(self, pcm: bytes) -> Decision | Missed | None:
        self.consumed_s += len(pcm) / 2 / SAMPLE_RATE
        return self._decide(self._recognizer.accept(pcm))

    def finish(self) -> Decision | Missed | None:
        return self._decide(self._recognizer.finish())

    def reset(self) -> None:
        self._recognizer.reset()
        self._matcher.reset()

    def _decide(self, hypothesis: Hypothesis | None) -> Decision | Missed | None:
        if hypothesis is None:
            return None
        decided = self._matcher.feed(hypothesis, self.consumed_s)
        listening = self._listening
        if decided is None or decided.command is None or listening is None:
            return decided
        return decided if decided.command in listening else None


@dataclass(frozen=True)
class FileCommand:
    command: Command | None  # None: a number (`number`), which is no command
    heard: str
    at_s: float
    # When a live listener would have decided: each block is processed once it has arrived and
    # the blocks before it are done, so slow work on one block delays the ones queued behind it.
    live_s: float = 0.0
    number: int | None = None

    def as_json(self) -> dict[str, Any]:
        said: dict[str, Any] = (
            {"command": self.command.value} if self.command is not None else {"number": self.number}
        )
        return {**said, "heard": self.heard, "at_s": round(self.at_s, 3)}

    @classmethod
    def of(cls, decision: Decision, at_s: float, live_s: float) -> FileCommand:
        return cls(decision.command, decision.heard, at_s, live_s, decision.number)


def recognise_samples(
    engine: Engine,
    samples: Samples,
    rate: int,
    block_s: float = BLOCK_S,
    listening: frozenset[Command] | None = None,
) -> list[FileCommand]:
    """Run one recording through a fresh recognizer, block by block as a microphone would.
    `listening`: the commands listened for (`CommandStream.listen_for`); None: every one."""
    step = _block_frames(rate, block_s)
    blocks = (samples[begin : begin + step] for begin in range(0, len(samples), step))
    return recognise_blocks(engine, blocks, rate, listening)


def recognise_blocks(
    engine: Engine,
    blocks: Iterable[Samples],
    rate: int,
    listening: frozenset[Command] | None = None,
) -> list[FileCommand]:
    """`recognise_samples` on a recording that arrives in blocks at `rate` Hz: only one block is
    held at a time (and the one after it, to know which is the last)."""
    stream = CommandStream.fresh(engine)
    stream.listen_for(listening)
    resampler = Resampler(rate, SAMPLE_RATE)
    found: list[FileCommand] = []
    live = 0.0  # the simulated live clock: audio time, plus any backlog of processing
    for block, last in _marking_the_last(blocks):
        # The last block flushes what the resampler holds back.
        pcm = to_pcm16(resampler.process(block, last))
        began = time.perf_counter()
        decision = stream.feed(pcm)
        live = max(live, stream.consumed_s) + time.perf_counter() - began
        if isinstance(decision, Decision):  # a near miss is for a person listening, not a file
            found.append(FileCommand.of(decision, stream.consumed_s, live))
    began = time.perf_counter()
    decision = stream.finish()
    live = max(live, stream.consumed_s) + time.perf_counter() - began
    if isinstance(decision, Decision):
        found.append(FileCommand.of(decision, stream.consumed_s, live))
    return found


def _block_frames(rate: int, block_s: float) -> int:
    return max(1, int(rate * block_s))


def _marking_the_last(blocks: Iterable[Samples]) -> Iterator[tuple[Samples, bool]]:
    ahead = iter(blocks)
    held = next(ahead, None)
    while held is not None:
        after = next(ahead, None)
        yield held, after is None
        held = after


def recognise_file(
    engine: Engine, path: str, listening: frozenset[Command] | None = None
) -> dict[str, Any]:
    """One JSON-ready line for `companion listen --json`; unreadable files give an error.

    The file is read block by block as it is recognised, so its length costs no memory. It is
    read whole (`WavStream(whole=True)`): a file cut short would pass for a recording without the
    command said at its end. What is not a regular file is refused unread: /dev/zero would be
    read until memory runs out, a FIFO with no writer waited on forever.
    """
    line: dict[str, Any] = {"file": path, "engine": engine.name}
    try:
        with WavStream(Path(path), whole=True) as wav:
            blocks = wav.blocks(_block_frames(wav.rate, BLOCK_S))
            found = recognise_blocks(engine, blocks, wav.rate, listening)
            line["commands"] = [c.as_json() for c in found]
    except WavError as err:
        line["error"] = str(err)
    return line
