"""What happens to each microphone block: the companion's voice taken out, commands decided, and
the companion kept from obeying itself.

`listener.Listener` feeds it blocks from the microphone; `benchmarks/barge_in.py` feeds it a
simulated room, so what is measured is what runs.

Two ways to keep the companion's own voice from giving commands:
- With echo cancellation (the companion knows every sample it plays: `audio.echo`), the
  recogniser hears all the time, the person's voice over the companion's too. A command decided
  while the companion was speaking counts only if it may barge in (`BARGE_IN`: the safety
  commands) and is not a phrase the companion itself was saying at that moment ("say pain if it
  hurts" must not report pain).
- Without it (no echo canceller installed, or turned off in the settings), the self-voice gate
  keeps every block that overlaps the companion's speech from the recogniser, as before.
Why only safety commands barge in: benchmarks/TUNING.md, "Barge-in".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.audio.echo import EchoCanceller
from companion.audio.pcm import Samples, to_pcm16
from companion.audio.resample import Resampler
from companion.domain.events import Command
from companion.speech_in.capture import Block
from companion.speech_in.engine import SAMPLE_RATE, Engine
from companion.speech_in.gate import SelfVoiceGate
from companion.speech_in.matcher import Decision, Missed
from companion.speech_in.pipeline import CommandStream
from companion.speech_in.port import SAFETY

# Heard over the companion's own voice, the safety commands still act: a person in trouble cannot
# wait for a pause in the counting.
BARGE_IN = SAFETY


@dataclass(frozen=True)
class BargeInTuning:
    """How a command heard while the companion speaks is told apart; evidence: TUNING.md."""

    window_s: float = 2.5
    """A decision counts as heard over the companion's voice when that voice sounded within this
    long before it: the longest command phrase plus the endpointer's closing pause."""
    voiced_s: float = 0.15
    """Over the companion's voice, a command counts only when the echo canceller left a stretch
    of another voice at least this long (about the shortest command word, "stop")."""


class Hearing:
    """Not thread-safe: the listener's one thread feeds it."""

    def __init__(
        self,
        engine: Engine,
        gate: SelfVoiceGate,
        rate: int,
        canceller: EchoCanceller | None = None,
        tuning: BargeInTuning = BargeInTuning(),
    ) -> None:
        """`rate`: the microphone's; `canceller`: at that rate, or None to gate instead."""
        self.gate = gate
        self.canceller = canceller
        self.tuning = tuning
        self._stream = CommandStream.fresh(engine)
        self._resampler = Resampler(rate, SAMPLE_RATE)
        self._gated = False
        self.speaking = False  # whether the companion spoke during the last block

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        self._stream.listen_for(commands)

    @property
    def deaf_while_speaking(self) -> bool:
        """Whether the companion's speech keeps everything else from being heard (no canceller)."""
        return self.canceller is None

    def feed(self, block: Block) -> Decision | Missed | None:
        """The command decided with this block, or the near miss, if any."""
        self.speaking = self.gate.blocked(block.started, block.ended)
        if self.canceller is None:
            return self._gated_decision(block.samples, self.speaking)
        cleaned = self.canceller.process(block.samples, block.started)
        decision = self._decide(cleaned)
        if decision is not None and self._over_own_voice(decision, block.ended):
            return None
        return decision

    def _gated_decision(self, samples: Samples, speaking: bool) -> Decision | Missed | None:
        if speaking:
            self._gated = True
            return None
        if self._gated:
            # Whatever the recognizer half-heard of our own voice must not carry over.
            self._stream.reset()
            self._resampler = Resampler(self._resampler.source_rate, SAMPLE_RATE)
            self._gated = False
        return self._decide(samples)

    def _decide(self, samples: Samples) -> Decision | Missed | None:
        return self._stream.feed(to_pcm16(self._resampler.process(samples)))

    def _over_own_voice(self, decision: Decision | Missed, now: float) -> bool:
        """Whether to drop a command decided at `now` because the companion was speaking while
        it was said: over the person's own stretch of voice as the canceller found it, or, when
        it found none, anywhere in the window a command takes. A near miss over its voice is
        always dropped: most likely what is left of that voice, and a tone then only confuses."""
        assert self.canceller is not None
        since = now - self.tuning.window_s
        said = self.canceller.last_voice(since)
        start, end = said if said is not None else (since, now)
        if not self.gate.blocked(start, end):
            return False  # said after the companion went quiet: any command counts
        if isinstance(decision, Missed) or decision.command not in BARGE_IN:
            return True
        if said is None or end - start < self.tuning.voiced_s:
            return True  # nothing but what is left of the companion's own voice was heard
        heard = _words(decision.heard)
        return any(_contains(_words(text), heard) for text in self.gate.said(start, end))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))
