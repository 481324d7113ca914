"""Audio in, commands out: the one path shared by the microphone, `companion listen FILE` and
`benchmarks/commands.py`.

`CommandStream` joins a recognizer and the matcher; `recognise_samples` runs a whole recording
through a fresh one in real-time-sized blocks (without sleeping) and notes how much audio had been
consumed at each decision.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.audio.pcm import Samples, to_pcm16
from companion.audio.resample import Resampler
from companion.audio.wav import read_wav
from companion.domain.events import Command
from companion.speech_in.capture import BLOCK_S
from companion.speech_in.engine import SAMPLE_RATE, Engine, Recognizer
from companion.speech_in.matcher import Decision, Hypothesis, Matcher


class CommandStream:
    def __init__(self, recognizer: Recognizer, matcher: Matcher) -> None:
        self._recognizer = recognizer
        self._matcher = matcher
        self.consumed_s = 0.0  # audio fed since the start

    @classmethod
    def fresh(cls, engine: Engine, stable_s: float = 0.2) -> CommandStream:
        return cls(engine.recognizer(), Matcher(engine.vocabulary, stable_s))

    def feed(self, pcm: bytes) -> Decision | None:
        self.consumed_s += len(pcm) / 2 / SAMPLE_RATE
        return self._decide(self._recognizer.accept(pcm))

    def finish(self) -> Decision | None:
        return self._decide(self._recognizer.finish())

    def reset(self) -> None:
        self._recognizer.reset()
        self._matcher.reset()

    def _decide(self, hypothesis: Hypothesis | None) -> Decision | None:
        if hypothesis is None:
            return None
        return self._matcher.feed(hypothesis, self.consumed_s)


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
    engine: Engine, samples: Samples, rate: int, block_s: float = BLOCK_S
) -> list[FileCommand]:
    """Run one recording through a fresh recognizer, block by block as a microphone would."""
    stream = CommandStream.fresh(engine)
    resampler = Resampler(rate, SAMPLE_RATE)
    step = max(1, int(rate * block_s))
    found: list[FileCommand] = []
    live = 0.0  # the simulated live clock: audio time, plus any backlog of processing
    for begin in range(0, len(samples), step):
        last = begin + step >= len(samples)  # flushes what the resampler holds back
        pcm = to_pcm16(resampler.process(samples[begin : begin + step], last))
        began = time.perf_counter()
        decision = stream.feed(pcm)
        live = max(live, stream.consumed_s) + time.perf_counter() - began
        if decision is not None:
            found.append(FileCommand.of(decision, stream.consumed_s, live))
    began = time.perf_counter()
    decision = stream.finish()
    live = max(live, stream.consumed_s) + time.perf_counter() - began
    if decision is not None:
        found.append(FileCommand.of(decision, stream.consumed_s, live))
    return found


def recognise_file(engine: Engine, path: str) -> dict[str, Any]:
    """One JSON-ready line for `companion listen --json`; unreadable files give an error."""
    line: dict[str, Any] = {"file": path, "engine": engine.name}
    if Path(path).exists() and not Path(path).is_file():
        # /dev/zero would be read until memory runs out, a FIFO with no writer forever.
        line["error"] = f"cannot read {path}: not a regular file"
        return line
    try:
        # Whole: a file cut short would pass for a recording without the command said at its end.
        samples, rate = read_wav(Path(path), whole=True)
    except ValueError as err:
        line["error"] = str(err)
        return line
    line["commands"] = [c.as_json() for c in recognise_samples(engine, samples, rate)]
    return line
