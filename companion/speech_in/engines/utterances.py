"""The recognizer loop of the engines that judge whole utterances: PocketSphinx and Moonshine.

`endpoint.Endpointer` cuts the audio into utterances; this loop opens one at each
`SpeechStarted`, hands its audio on while it lasts, and closes it at `SpeechEnded` (or when the
audio ends inside it). An utterance longer than `MAX_UTTERANCE_S` is dropped unheard: no command
is that long, and not decoding chatter keeps the CPU idle. Each engine's recognizer subclasses
`UtteranceRecognizer` and says what opening, hearing, dropping and judging an utterance mean.
"""

from __future__ import annotations

from companion.domain.events import Command
from companion.speech_in.endpoint import Endpointer, SegmentEvent, SpeechEnded, SpeechStarted
from companion.speech_in.engine import BYTES_PER_S
from companion.speech_in.matcher import Hypothesis

MAX_UTTERANCE_S = 3.0  # no command takes longer: longer utterances are not decoded


class UtteranceRecognizer:
    """Implements `engine.Recognizer` for an engine that judges each utterance as a whole."""

    def __init__(self) -> None:
        self._endpointer = Endpointer()
        self._open = False  # inside an utterance worth hearing
        self._size = 0  # bytes of the open utterance so far
        self._listening: frozenset[Command] | None = None  # None: every command

    def listen_for(self, commands: frozenset[Command] | None) -> None:
        self._listening = commands

    def accept(self, pcm: bytes) -> Hypothesis | None:
        return self._events(self._endpointer.process(pcm))

    def finish(self) -> Hypothesis | None:
        # A stream shorter than the endpointer's learning is decided only now.
        found = self._events(self._endpointer.flush())
        if not self._endpointer.in_speech:
            return found
        voiced_s = self._endpointer.voiced_s
        self._endpointer.reset()
        return self._close(voiced_s) or found

    def _events(self, events: list[SegmentEvent]) -> Hypothesis | None:
        found = None
        for event in events:
            found = self._event(event) or found
        return found

    def reset(self) -> None:
        self._endpointer.reset()
        self._abandon()

    def _event(self, event: SegmentEvent) -> Hypothesis | None:
        if isinstance(event, SpeechStarted):
            self._open = True
            self._size = 0
            self._opened()
        if not self._open:
            return None
        self._size += len(event.pcm)
        if self._size > MAX_UTTERANCE_S * BYTES_PER_S:
            self._abandon()
            return None
        self._hear(event.pcm)
        return self._close(event.speech_s) if isinstance(event, SpeechEnded) else None

    def _close(self, voiced_s: float) -> Hypothesis | None:
        """The open utterance ended after `voiced_s` seconds of voice: judge it."""
        if not self._open:
            return None
        self._open = False
        return self._closed(voiced_s)

    def _abandon(self) -> None:
        if self._open:
            self._open = False
            self._dropped()

    # What an engine does at each step of an utterance.

    def _opened(self) -> None:
        """An utterance began; its audio follows through `_hear`."""

    def _hear(self, pcm: bytes) -> None:
        """More audio of the open utterance (the first call holds the pre-roll)."""

    def _dropped(self) -> None:
        """The open utterance will not be judged (too long, or the recognizer was reset)."""

    def _closed(self, voiced_s: float) -> Hypothesis | None:
        """The utterance heard through `_hear` has closed: the command phrase it was, if any."""
        raise NotImplementedError
