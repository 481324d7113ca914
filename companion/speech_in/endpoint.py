"""Energy endpointer: splits a 16 kHz stream into utterances (segments of speech between pauses).

Used by `engines.utterances.UtteranceRecognizer`, the loop of the PocketSphinx and Moonshine
engines: commands are short isolated utterances, so an engine decodes each segment as a whole and
judges it as a whole (is it one command phrase, of a plausible length?) instead of spotting
phrases inside running speech.

The decision is made per 10 ms frame against a tracked noise floor, so it adapts to the room: the
floor follows quiet frames quickly downwards and creeps slowly upwards, so a fan or a hum raises
it within a couple of seconds while a single word does not. A segment opens when most recent
frames are clearly above the floor (a lone clank is too short to open one) and closes after a
pause of `hangover_s`; the pause length is the main part of the latency from the end of speech to
a decision, so it is kept as short as a word-internal gap allows. In a room whose sound swings
(people talking, music) both levels are also kept above the loud moments of the room's recent
background.

A fresh endpointer knows nothing of the room, so it first listens for `learn_s` without deciding
anything: the floor and the loud moments of the background are learned from that audio, and then
it is replayed through the usual rules. Starting from a guessed quiet room instead, a loud room
(people talking from the first moment) held the first segment open for `max_segment_s`, burying
any command said in it (benchmarks/TUNING.md, "Endpointer").
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from companion.speech_in.engine import SAMPLE_RATE

FRAME = SAMPLE_RATE // 100  # 10 ms


@dataclass(frozen=True)
class EndpointerTuning:
    """The endpointer's measured knobs; why each has its value: benchmarks/TUNING.md, "Endpointer".

    Levels are the power of 30 ms of audio in dB of int16 units (full scale is ~90)."""

    on_db: float = 6.0  # how far above the noise floor a frame is loud enough to open a segment
    off_db: float = 3.0  # how far above the floor a frame keeps an open segment going
    onset_s: float = 0.06  # loud time within `onset_window_s` that opens a segment
    onset_window_s: float = 0.1  # the recent span whose loud frames are counted for an onset
    hangover_s: float = 0.25  # the pause that closes a segment: most of the latency to a decision
    sustain_s: float = 0.05  # loud time in a row that counts as speech going on in a segment
    preroll_s: float = 0.2  # audio kept before a segment's onset and handed over with it
    quiet_room_db: float = 40.0  # a floor first heard above this is checked against the room
    learn_s: float = 1.5  # audio heard before any decision, to learn the room from
    # The loud moments learned from that audio lie at most this far above its floor: babble's lie
    # 7-9 dB above it. A word that fills much of that time must not be learned as the room's
    # loud moments: then it, and every word like it after, would be lost.
    learned_loud_db: float = 8.0
    max_segment_s: float = 4.0  # longer "speech" is closed anyway, as a noise that set in
    background_s: float = 8.0  # how much of the room's recent sound is weighed
    over_background_db: float = 1.5  # how far above the background's loud moments a segment opens


@dataclass(frozen=True)
class SpeechStarted:
    """A segment opened; `pcm` holds the pre-roll, the onset frames included."""

    pcm: bytes


@dataclass(frozen=True)
class SpeechGoesOn:
    """One more frame inside the open segment."""

    pcm: bytes


@dataclass(frozen=True)
class SpeechEnded:
    """The segment closed after this frame. `speech_s` is its voiced span, without pre-roll and
    trailing pause."""

    pcm: bytes
    speech_s: float


SegmentEvent = SpeechStarted | SpeechGoesOn | SpeechEnded  # what one frame did to the segment

TUNING = EndpointerTuning()  # the tuning in force


class Endpointer:
    def __init__(self, tuning: EndpointerTuning = TUNING) -> None:
        self._tuning = tuning
        self._onset = round(tuning.onset_s * 100)
        self._hangover = round(tuning.hangover_s * 100)
        self._recent: deque[bool] = deque(maxlen=round(tuning.onset_window_s * 100))
        # Pre-roll: the decoder needs the start of the first phone and a little room noise
        # before it, and the onset frames themselves came before the segment was declared open.
        self._preroll: deque[bytes] = deque(maxlen=round(tuning.preroll_s * 100))
        self._pending = b""
        self._powers: deque[float] = deque(maxlen=3)
        self._floor: float | None = None  # None: still learning the room
        # Frames heard so far with their levels; a frame's audio is None once a reset dropped it.
        self._learning: list[tuple[bytes | None, float]] = []
        self.in_speech = False
        # Inside a segment, speech goes on only after `sustain_s` of loud frames in a row: a
        # clank (tens of milliseconds) during the closing pause must not hold the segment open.
        self._sustain = round(tuning.sustain_s * 100)
        self._run = 0  # loud frames in a row
        self._quiet = 0  # frames since speech last went on
        self._voiced = 0  # frames from the segment's onset to the last sustained loud frame
        # Levels of recent background frames: those outside segments, and those of segments that
        # turned out to be background themselves (see `_frame`). Their loudest tenth lies next to
        # the floor for a fan, but 7-9 dB above it for people talking: speech must rise above
        # that too, or babble opens segments that run on into the person's command and bury it.
        self._background: deque[float] = deque(maxlen=round(tuning.background_s * 100))
        self._segment: list[float] = []  # levels of the open segment's frames
        # The 90th percentile of `_background`, once it holds a second: until then, no bound.
        self._loud_background = -math.inf

    @property
    def voiced_s(self) -> float:
        """Voiced span of the open segment so far."""
        return self._voiced / 100

    @property
    def quiet_s(self) -> float:
        """How long the open segment has been quiet: a pause that may yet end it."""
        return self._quiet / 100

    @property
    def floor_db(self) -> float | None:
        return self._floor

    def reset(self) -> None:
        """Close any open segment without reporting it; keep the noise floor and the background
        (same room). Audio held to learn the room from is still learned from, not replayed."""
        self._learning = [(None, level) for _, level in self._learning]
        self._segment.clear()
        self._recent.clear()
        self._preroll.clear()
        self._pending = b""
        self.in_speech = False
        self._run = 0
        self._quiet = 0
        self._voiced = 0

    def process(self, pcm: bytes) -> list[SegmentEvent]:
        """Feed 16 kHz mono int16 audio of any length; events of every whole frame in it."""
        data = self._pending + pcm
        whole = len(data) // (2 * FRAME) * 2 * FRAME
        self._pending = data[whole:]
        events: list[SegmentEvent] = []
        for begin in range(0, whole, 2 * FRAME):
            frame = data[begin : begin + 2 * FRAME]
            level = self._level(frame)
            if self._floor is None:
                self._learning.append((frame, level))
                if len(self._learning) >= round(self._tuning.learn_s * 100):
                    events.extend(self.flush())
            elif (event := self._frame(frame, level)) is not None:
                events.append(event)
        return events

    def flush(self) -> list[SegmentEvent]:
        """Learn the room from the audio held for that, and decide on that audio: once `learn_s`
        has been heard, or when the audio ends sooner (the caller says so by calling this)."""
        heard, self._learning = self._learning, []
        if not heard:
            return []
        levels = np.array([level for _, level in heard])
        quietest = float(np.percentile(levels, 10))
        # The first frame's level, as the floor of a room heard from its first moment, unless
        # that is loud: a recording may begin mid-word. Then the room's quieter moments say how
        # loud it really is (people talking from the start: far above a quiet room).
        self._floor = max(min(float(levels[0]), self._tuning.quiet_room_db), quietest)
        # The room's loud moments, as the loudest tenth of what was heard; a louder sound said in
        # that time (a command) would be that loudest tenth itself, hence the bound.
        loud = min(float(np.percentile(levels, 90)), self._floor + self._tuning.learned_loud_db)
        # The background holds the room as learned; the replayed frames do not join it again, and
        # a louder sound among them that did not stand out would keep the next ones down too.
        self._background.extend(float(level) for level in levels if level <= loud)
        self._loud_background = loud
        kept = ((frame, level) for frame, level in heard if frame is not None)
        replayed = (self._frame(frame, level, learned=True) for frame, level in kept)
        return [event for event in replayed if event is not None]

    def _level(self, frame: bytes) -> float:
        samples = np.frombuffer(frame, "<i2").astype(np.float32)
        # Judge 30 ms of power, not 10 ms: single 10 ms frames of noise swing by several dB
        # and would hold a segment open forever or open one on a noise burst.
        self._powers.append(float(np.mean(samples * samples)))
        return 10 * math.log10(sum(self._powers) / len(self._powers) + 1.0)

    def _hear_background(self, levels: list[float]) -> None:
        self._background.extend(levels)
        if len(self._background) >= 100:
            self._loud_background = float(np.percentile(self._background, 90))

    def _frame(self, frame: bytes, level: float, learned: bool = False) -> SegmentEvent | None:
        """What this frame does to the segment. `learned`: a frame of the audio the room was
        learned from, replayed."""
        if not self.in_speech:
            self._track_floor(level)
            if not learned:
                self._hear_background([level])
            loud = level > self._on_level()
            self._preroll.append(frame)
            self._recent.append(loud)
            if sum(self._recent) >= self._onset and loud:
                self.in_speech = True
                self._run = self._sustain  # the onset itself was sustained speech
                self._quiet = 0
                self._voiced = len(self._recent)
                self._recent.clear()
                self._segment = [level]
                pcm = b"".join(self._preroll)
                self._preroll.clear()
                return SpeechStarted(pcm)
            return None
        self._segment.append(level)
        self._run = self._run + 1 if level > self._off_level() else 0
        if self._run >= self._sustain:
            self._voiced += self._quiet + 1
            self._quiet = 0
        else:
            self._quiet += 1
        too_long = self._voiced + self._quiet >= self._tuning.max_segment_s * 100
        if too_long:
            # A steady new noise holds the segment open: close it and take the noise as floor.
            self._floor = level - self._tuning.off_db
            self._quiet = self._hangover
        if self._quiet >= self._hangover:
            # Background too: a new noise, or a segment whose typical frame would not have opened
            # one (babble's loud moments). A command said at the laptop stays above that level for
            # most of its length.
            if too_long or float(np.median(self._segment)) < self._on_level():
                self._hear_background(self._segment)
            self._segment = []
            self.in_speech = False
            speech_s = self.voiced_s
            self._quiet = 0
            self._voiced = 0
            return SpeechEnded(frame, speech_s)
        return SpeechGoesOn(frame)

    def _on_level(self) -> float:
        assert self._floor is not None
        tuning = self._tuning
        return max(self._floor + tuning.on_db, self._loud_background + tuning.over_background_db)

    def _off_level(self) -> float:
        assert self._floor is not None
        return max(self._floor + self._tuning.off_db, self._loud_background)

    def _track_floor(self, level: float) -> None:
        assert self._floor is not None
        # Quieter: follow within ~0.2 s. Louder and not speech: creep up by at most 0.05 dB a
        # frame (5 dB/s), so a new fan is absorbed in seconds but the floor never jumps onto a
        # word. The floor settles near the lower quartile of the room's noise level, so noise
        # alone rarely reaches the "off" level that keeps a segment open.
        if level < self._floor:
            self._floor += 0.05 * (level - self._floor)
        else:
            self._floor += min(0.05, 0.02 * (level - self._floor))
