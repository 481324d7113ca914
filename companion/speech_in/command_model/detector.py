"""Streaming command detection: 16 kHz float32 blocks in, one row of class probabilities per
80 ms hop out, each judging the last ~2 s. Nothing here waits for an endpoint, so a command is
heard under noise that never pauses (other people talking).

The recogniser (wired in later) feeds microphone blocks and reads `heard`; the card's
thresholds and hop count say when a row is a command.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from companion.speech_in.command_model.frontend import (
    EMBED_DIM,
    EMBED_FRAMES,
    EMBED_STRIDE,
    HOP,
    MEL_LAG,
    Floats,
    SpeechEmbedder,
)
from companion.speech_in.command_model.head import WINDOW, CommandHead


@dataclass(frozen=True)
class Scores:
    """One hop's judgement: class name -> probability, and `at`, the stream time (s) it ends."""

    at: float
    probabilities: dict[str, float]


class CommandDetector:
    """Feed audio with `feed`; it returns the Scores of every hop the audio completed."""

    def __init__(
        self, head: CommandHead | None = None, embedder: SpeechEmbedder | None = None
    ) -> None:
        self.head = head or CommandHead()
        self.embedder = embedder or SpeechEmbedder()
        self._audio = np.zeros(0, np.float32)  # samples not yet turned into mel frames
        self._audio_start = 0  # stream index of _audio[0], always a multiple of HOP
        self._mel = np.zeros((0, 32), np.float32)  # mel frames not yet all embedded
        self._mel_start = 0  # frame index of _mel[0]
        self._embeddings = np.zeros((0, EMBED_DIM), np.float32)  # the last WINDOW at most
        self._embedded = 0  # embeddings made so far
        self._run: tuple[str, int] = ("", 0)

    def feed(self, block: Floats) -> list[Scores]:
        self._audio = np.concatenate([self._audio, np.asarray(block, np.float32)])
        frames = len(self._audio) // HOP - MEL_LAG
        if frames <= 0:
            return []
        self._mel = np.concatenate([self._mel, self.embedder.mel(self._audio)[:frames]])
        self._audio = self._audio[frames * HOP :]
        self._audio_start += frames * HOP
        out = []
        while True:
            first = self._embedded * EMBED_STRIDE - self._mel_start
            if first + EMBED_FRAMES > len(self._mel):
                break
            embedding = self.embedder.embed(self._mel[first : first + EMBED_FRAMES])
            self._embeddings = np.concatenate([self._embeddings, embedding])[-WINDOW:]
            self._embedded += 1
            if len(self._embeddings) == WINDOW:
                (row,) = self.head(self._embeddings[np.newaxis])
                end = ((self._embedded - 1) * EMBED_STRIDE + EMBED_FRAMES - 1 + MEL_LAG) * HOP
                out.append(
                    Scores(
                        end / 16000, dict(zip(self.head.card.classes, map(float, row), strict=True))
                    )
                )
        drop = max(0, self._embedded * EMBED_STRIDE - self._mel_start)
        self._mel = self._mel[drop:]
        self._mel_start += drop
        return out

    def heard(self, scores: Scores) -> str | None:
        """The command these scores complete, once it has topped its threshold `hops` hops in a
        row; None otherwise. Call once per Scores, in order."""
        card = self.head.card
        commands = {c: p for c, p in scores.probabilities.items() if c in card.thresholds}
        best = max(commands, key=commands.__getitem__)
        if commands[best] < card.thresholds[best]:
            self._run = ("", 0)
            return None
        count = self._run[1] + 1 if self._run[0] == best else 1
        self._run = (best, count)
        return best if count == card.hops else None
