"""The `SpeechIn` the session runner uses: microphone -> gate -> recognizer -> commands.

The CLI calls `open_speech_in(settings, speech_out)`, which subscribes the listener's self-voice
gate to speech-out's playback, and calls `start(on_heard, on_status)`. `start` returns at once:
the model loads and the stream opens on the listener's own thread, while the UI is already up.
`choose_engine` is shared with `companion listen` and `companion doctor`. When the microphone
goes away mid-session (the audio server stopped), the listener says so (`ListenState.RETRYING`)
and opens it again with backoff, keeping the loaded engine.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from companion import commands
from companion.audio import devices
from companion.audio.echo import EchoCanceller, PlaybackReference
from companion.audio.speex import SpeexUnavailable
from companion.domain.events import Command
from companion.errors import UserError
from companion.speech_in.capture import Capture, rms
from companion.speech_in.engine import Engine, EngineName
from companion.speech_in.engines.moonshine.model import bundled_model_dir
from companion.speech_in.engines.moonshine.voice_activity import bundled_vad_model
from companion.speech_in.gate import GateTuning, SelfVoiceGate
from companion.speech_in.hearing import Hearing
from companion.speech_in.matcher import Missed
from companion.speech_in.models import (
    INSTALL_COMMAND,
    find_model,
    model_language,
    recorded_language,
    require_model,
)
from companion.speech_in.port import (
    Heard,
    HeardListener,
    ListenState,
    ListenStatus,
    ListenStatusListener,
    NoSpeechIn,
    SpeechIn,
)
from companion.speech_in.settings import ListenSettings
from companion.speech_in.vocabulary import load_vocabulary
from companion.speech_out.port import Playback, PlaybackListener, StatusListener

STATUS_EVERY_S = 0.1  # level updates for the session screen


class PlaybackSource(Protocol):
    """What tells the listener when the companion speaks: speech-out's `subscribe`."""

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None: ...


@dataclass(frozen=True)
class EngineChoice:
    """Which engine to load, decided without loading anything."""

    engine: EngineName  # never AUTO
    language: str
    model: Path | None
    why: str  # why this engine listens ("measured best for English")

    def load(self) -> Engine:
        vocabulary = load_vocabulary(self.language)
        if self.engine is EngineName.VOSK:
            from companion.speech_in.engines.vosk import VoskEngine

            assert self.model is not None
            return VoskEngine.load(self.model, vocabulary)
        if self.engine is EngineName.MOONSHINE:
            from companion.speech_in.engines.moonshine.engine import MoonshineEngine

            return MoonshineEngine.load(vocabulary)
        from companion.speech_in.engines.pocketsphinx import SphinxEngine

        return SphinxEngine.load(vocabulary)


def choose_engine(settings: ListenSettings) -> EngineChoice:
    """The engine the settings ask for; for `auto`, the one measured best for the language.

    For English that is Moonshine (benchmarks/commands.py; the figures are in the README). An
    English Vosk model is used only when asked for (`--engine vosk`, or a model path): its
    accuracy cannot be measured here, so it must not silently replace a measured engine. Every
    other language listens through its installed Vosk model.
    """
    language = settings.language
    if settings.model is not None:
        if settings.engine in (EngineName.MOONSHINE, EngineName.POCKETSPHINX):
            raise UserError(f"--model is a Vosk model; it cannot be used with {settings.engine}")
        if not settings.model.is_dir():
            raise UserError(f"{settings.model_from}: no model directory at {settings.model}")
        try:
            require_model(settings.model)
        except UserError as err:
            raise UserError(f"{settings.model_from}: {err}") from err
        name = settings.model.name if settings.model.name != "model" else settings.model.parent.name
        language = language or recorded_language(settings.model) or model_language(name) or "en"
        return EngineChoice(EngineName.VOSK, language, settings.model, "the model asked for")
    language = language or "en"
    asked = settings.engine
    if asked is EngineName.VOSK or (asked is EngineName.AUTO and language != "en"):
        found = find_model(language)
        if found is not None:
            why = "asked for" if asked is EngineName.VOSK else f"the installed {language} model"
            return EngineChoice(EngineName.VOSK, language, found.path, why)
        if asked is EngineName.VOSK:
            raise UserError(
                f"no Vosk model for {language!r} is installed; "
                + ("run: " + INSTALL_COMMAND if language == "en" else "pass --model PATH")
            )
    if asked is EngineName.MOONSHINE:
        return EngineChoice(EngineName.MOONSHINE, language, None, "asked for")
    if asked is EngineName.POCKETSPHINX:
        return EngineChoice(EngineName.POCKETSPHINX, language, None, "asked for")
    if language == "en" and moonshine_installed():
        return EngineChoice(EngineName.MOONSHINE, language, None, "measured best for English")
    # Short: the session screen shows it on one line; `companion doctor` says what to install.
    why = (
        "Moonshine or its voice detector is missing (see companion doctor)"
        if language == "en"
        else f"no Vosk model for {language!r} is installed: pass --model PATH"
    )
    return EngineChoice(EngineName.POCKETSPHINX, language, None, why)


def moonshine_installed() -> bool:
    """Whether the Moonshine engine can load: its model and the voice detector it needs."""
    return bundled_model_dir() is not None and bundled_vad_model() is not None


class Listener:
    """Implements `SpeechIn`. One thread: load the engine, open the microphone, recognise."""

    def __init__(
        self,
        choice: EngineChoice,
        settings: ListenSettings,
        engine: Engine | None = None,
        reference: PlaybackReference | None = None,
    ) -> None:
        """`engine`: one already loaded (by a caller that listens more than once); `reference`:
        what speech out plays, which echo cancellation removes from the microphone."""
        self.choice = choice
        self._engine = engine
        self._device = settings.device
        self.gate = SelfVoiceGate(GateTuning(tail_s=settings.self_voice_tail))
        # What speech out plays, for echo cancellation (None: the gate alone keeps it out).
        self._reference = reference if settings.echo_cancellation else None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._status = ListenStatus(ListenState.STARTING, "starting", choice.engine)
        self._on_status: ListenStatusListener = lambda status: None
        # What the session can act on now, set from the UI thread, read by the listener's own
        # (one reference, replaced whole): None until the session first says.
        self._listening: frozenset[Command] | None = None

    def on_playback(self, playback: Playback) -> None:
        """Subscribed to speech-out by `open_speech_in`: the companion's own speech is not
        listened to."""
        self.gate.on_playback(playback)

    def start(self, on_heard: HeardListener, on_status: ListenStatusListener) -> None:
        self._on_status = on_status
        self._thread = threading.Thread(
            target=self._run, args=(on_heard,), name="speech-in", daemon=True
        )
        self._thread.start()

    def status(self) -> ListenStatus:
        with self._lock:
            return self._status

    def listen_for(self, commands: frozenset[Command]) -> None:
        self._listening = commands

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _publish(self, status: ListenStatus) -> None:
        with self._lock:
            self._status = status
        self._on_status(status)

    def _run(self, on_heard: HeardListener) -> None:
        self._publish(ListenStatus(ListenState.LOADING, "loading speech model", self.choice.engine))
        capture = Capture(self._device)
        try:
            engine = self._engine or self.choice.load()
            capture.open()
            while (lost := self._listen(engine, capture, on_heard)) is not None:
                capture.abandon()
                capture = self._reopen(engine, lost)
        except Exception as err:  # anything here means: no voice, keys only, and say why
            # (`companion listen` stops on this state; the session screen shows the detail.)
            off = ListenStatus(ListenState.OFF, f"voice commands off: {err}", self.choice.engine)
            self._publish(off)
        finally:
            capture.close()  # nothing to do if it never opened

    def _reopen(self, engine: Engine, reason: str) -> Capture:
        """A new open `Capture`, tried with backoff until one opens, or an unopened one once the
        listener is closed (`_listen` then returns at once)."""
        self._publish(
            ListenStatus(
                ListenState.RETRYING, f"microphone lost: trying again ({reason})", engine.name
            )
        )
        for delay in devices.retry_delays():
            if self._stop.wait(delay):
                break
            capture = self._try_capture()
            if capture is None and devices.rescan():
                capture = self._try_capture()
            if capture is not None:
                return capture
        return Capture(self._device)

    def _try_capture(self) -> Capture | None:
        capture = Capture(self._device)
        try:
            capture.open()
        except Exception:  # PortAudioError and the like: the microphone is not back yet
            return None
        return capture

    def _listen(self, engine: Engine, capture: Capture, on_heard: HeardListener) -> str | None:
        """Recognise until the listener closes (None) or the microphone is lost (why)."""
        detail = f"listening: {engine.describe()}"
        if engine.missing:
            detail += f"; words the model lacks: {', '.join(engine.missing)}"
        detail += f" ({self.choice.why})"
        hearing = Hearing(engine, self.gate, capture.rate, self._canceller(capture.rate))
        if hearing.canceller is not None:
            detail += "; hears you over its own voice (echo cancelled)"
        level = 0.0
        next_status = 0.0
        listening = None
        while not self._stop.is_set():
            block = capture.read(timeout=0.2)
            if block is None:
                lost = capture.lost()
                if lost is not None:
                    return lost
                continue
            level = max(rms(block.samples), level * 0.8)
            if self._listening is not listening:
                listening = self._listening
                hearing.listen_for(listening)
            decision = hearing.feed(block)
            now = time.monotonic()
            if isinstance(decision, Missed):
                on_heard(Heard(decision.command, decision.heard, now, sure=False))
            elif decision is not None:
                on_heard(Heard(decision.command, decision.heard, now, number=decision.number))
            if now >= next_status:
                next_status = now + STATUS_EVERY_S
                deaf = hearing.speaking and hearing.deaf_while_speaking
                self._publish(
                    ListenStatus(
                        ListenState.SPEAKING if deaf else ListenState.LISTENING,
                        "not listening while speaking" if deaf else detail,
                        engine.name,
                        level=min(1.0, level * 4),  # speech peaks near 0.25 RMS
                        overflows=capture.overflows,
                        why=self.choice.why,
                    )
                )
        return None

    def _canceller(self, rate: int) -> EchoCanceller | None:
        """An echo canceller for the microphone at `rate`, or None (then the gate keeps the
        companion's voice out): none asked for, nothing to cancel, or libspeexdsp missing."""
        if self._reference is None:
            return None
        try:
            return EchoCanceller(self._reference, rate)
        except SpeexUnavailable:
            return None


def open_speech_in(
    settings: ListenSettings,
    playback: PlaybackSource | None = None,
    reference: PlaybackReference | None = None,
) -> SpeechIn:
    """A `Listener`, or `NoSpeechIn` saying why voice commands are off.

    `playback`: the companion's speech out, whose clips the listener's gate keeps from being
    heard as commands (None: nothing speaks); `reference`: the samples it plays, which echo
    cancellation removes from the microphone (None: the gate alone keeps them out)."""
    if not settings.enabled:
        return NoSpeechIn("voice commands off (--no-listen)")
    try:
        import sounddevice as sd

        sd.query_devices(settings.device, kind="input")
    except Exception as err:  # PortAudioError, ValueError for a bad name, OSError without lib
        return NoSpeechIn(f"no microphone ({err}); to fix it, see {commands.companion('doctor')}")
    try:
        choice = choose_engine(settings)
        load_vocabulary(choice.language)
    except UserError as err:
        return NoSpeechIn(f"voice commands off: {err}")
    listener = Listener(choice, settings, reference=reference)
    if playback is not None:
        playback.subscribe(listener.on_playback, lambda _status: None)
    return listener
