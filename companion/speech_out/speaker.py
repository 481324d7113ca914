"""The companion's voice: the `SpeechOut` the session runner and `companion say` use.

`open_speech_out(settings)` returns a `Speaker` (pyttsx3 clips played through the companion's own
sounddevice stream) or, when speech cannot work, a `SilentSpeechOut` whose status says why and
what to install. A `Speaker` that loses its device mid-session turns itself silent the same way,
then reopens its stream with backoff on its own thread and, once one opens, is on again.
"""

from __future__ import annotations

import ctypes.util
import itertools
import sys
import threading
import time
from collections.abc import Iterable

from companion import commands, paths
from companion.audio import devices
from companion.audio.echo import PlaybackReference
from companion.audio.pcm import Samples
from companion.domain.effects import Priority
from companion.speech_out.clips import DiskCache
from companion.speech_out.earcons import synthesize
from companion.speech_out.player import ClipEvent, Item, Player, playback
from companion.speech_out.port import (
    Earcon,
    Playback,
    PlaybackListener,
    SilentSpeechOut,
    SpeechOut,
    SpeechStatus,
    StatusListener,
)
from companion.speech_out.render import ESPEAK_HINT, Renderer
from companion.speech_out.settings import SpeechSettings

# Earcons play in a group of their own: moving on from a step cancels that step's words, not the
# chime that said the command to move on was taken.
EARCON_GROUP = "earcon"

PORTAUDIO_HINT = "PortAudio is missing: install the Debian package libportaudio2"


def open_speech_out(
    settings: SpeechSettings, reference: PlaybackReference | None = None
) -> SpeechOut:
    """The real voice, or a silent one whose `status().detail` says why speech is off.

    `reference`: keeps a copy of what is played, for the listener's echo cancellation."""
    if settings.mute:
        return SilentSpeechOut("speech off: muted (--mute)")
    if sys.platform.startswith("linux") and ctypes.util.find_library("espeak-ng") is None:
        return SilentSpeechOut(f"speech off: {ESPEAK_HINT}")
    try:
        import sounddevice  # noqa: F401  (loads the PortAudio library)
    except OSError as err:
        return SilentSpeechOut(f"speech off: {PORTAUDIO_HINT} ({err})")
    try:
        return Speaker(settings, reference)
    except Exception as err:  # PortAudioError, no device, bad device name: all mean no output
        return SilentSpeechOut(
            f"speech off: no audio output ({err}); to fix it, see {commands.companion('doctor')}"
        )


class Speaker:
    """Renders on the render thread, plays on the player; `say()` never waits for either."""

    def __init__(
        self, settings: SpeechSettings, reference: PlaybackReference | None = None
    ) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._inflight = 0  # say() calls without `at` still being rendered: order must hold
        self._cancelled_all = 0
        self._cancelled: dict[str, int] = {}
        self._playback_listeners: list[PlaybackListener] = []
        self._status_listeners: list[StatusListener] = []
        self._reference = reference
        # Clips started and not yet ended: a lost stream never ends them, so the speaker does.
        self._playing: dict[Item, float] = {}
        self._closing = threading.Event()
        self._reconnecting: threading.Thread | None = None
        self._player = self._new_player()
        voice = settings.voice or "default voice"
        self._status = SpeechStatus(on=True, detail=f"speech on ({voice})")
        self._renderer = Renderer(
            voice=settings.voice,
            rate=settings.rate,
            output_rate=self._player.rate,
            cache=DiskCache(paths.cache_dir() / "speech"),
            on_broken=self._off,
        )

    @property
    def output_latency(self) -> float:
        return self._player.latency

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        if not self._status.on:
            return
        with self._lock:
            seq = next(self._seq)
            self._last_seq = seq
            clip = self._renderer.cached(text)
            if clip is not None and (at is not None or self._inflight == 0):
                self._player.submit(self._item(text, clip, priority, at, group, seq))
                return
            if at is None:
                self._inflight += 1

        def rendered(clip: Samples | None) -> None:
            self._deliver(text, clip, priority, at, group, seq)

        self._renderer.request(text, rendered)

    def cancel(self, group: str | None = None) -> None:
        with self._lock:
            if group is None:
                self._cancelled_all = self._last_seq
                self._cancelled.clear()
            else:
                self._cancelled[group] = self._last_seq
            self._player.cancel(group)

    def chime(self, kind: Earcon) -> None:
        # INSTRUCTION: before the words a command brings (same priority, earlier), over chatter;
        # counts (scheduled) and safety messages (higher) still cut it.
        if not self._status.on:
            return
        clip = synthesize(kind, self._player.rate)  # a fraction of a millisecond
        with self._lock:
            seq = next(self._seq)
            self._last_seq = seq
            item = self._item(
                f"({kind.value} chime)", clip, Priority.INSTRUCTION, None, EARCON_GROUP, seq
            )
            self._player.submit(item)

    def prepare(self, phrases: Iterable[str]) -> None:
        for text in dict.fromkeys(phrases):
            self._renderer.prepare(text)

    def status(self) -> SpeechStatus:
        return self._status

    def clip(self, text: str) -> Samples | None:
        """The exact samples `say(text)` plays now, or None while it is not rendered yet.

        Tests and benchmarks find these in recordings: two renderings are not sample-identical.
        """
        clip = self._renderer.cached(text)
        if clip is None or self.settings.volume == 1.0:
            return clip
        return clip * self.settings.volume

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None:
        self._playback_listeners.append(on_playback)
        self._status_listeners.append(on_status)

    def close(self) -> None:
        self._closing.set()
        if self._reconnecting is not None:
            self._reconnecting.join(timeout=5)
        with self._lock:
            player = self._player
        player.close()
        self._renderer.close()

    def _new_player(self, rate: int | None = None) -> Player:
        return Player(
            device=self.settings.device,
            on_event=self._on_event,
            on_lost=self._lost,
            reference=self._reference,
            rate=rate,
        )

    def _item(
        self, text: str, clip: Samples, priority: Priority, at: float | None, group: str, seq: int
    ) -> Item:
        if self.settings.volume != 1.0:
            clip = clip * self.settings.volume
        return Item(text, clip, priority, at=at, group=group, seq=seq)

    def _deliver(
        self,
        text: str,
        clip: Samples | None,
        priority: Priority,
        at: float | None,
        group: str,
        seq: int,
    ) -> None:
        """Called on the render thread once a clip that `say()` asked for exists (or failed)."""
        with self._lock:
            if at is None:
                self._inflight -= 1
            if seq <= max(self._cancelled_all, self._cancelled.get(group, 0)):
                return
            if clip is not None:
                self._player.submit(self._item(text, clip, priority, at, group, seq))
                return
        if self._status.on and self._renderer.broken is None:
            # Speech goes on, but the person should know a cue was left out.
            voice = self.settings.voice or "default voice"
            self._publish(
                SpeechStatus(
                    on=True,
                    detail=f"speech on ({voice}), but espeak-ng gave no usable audio for {text!r}",
                    unsaid=text,
                )
            )

    def _on_event(self, event: ClipEvent) -> None:
        item = event.item
        with self._lock:
            if event.ended:
                self._playing.pop(item, None)
            else:
                self._playing[item] = event.time
        self._tell(playback(event))

    def _tell(self, played: Playback) -> None:
        for listener in list(self._playback_listeners):
            listener(played)

    def _end_playing(self) -> None:
        """Clips a lost stream will never finish end now, interrupted: else the listener's
        self-voice gate would take the companion to be speaking for good."""
        with self._lock:
            playing, self._playing = self._playing, {}
        now = time.monotonic()
        for item, started in playing.items():
            self._tell(Playback(item.text, started, now, interrupted=True))

    def _off(self, reason: str) -> None:
        if self._status.on:
            self._publish(SpeechStatus(on=False, detail=f"speech off: {reason}"))

    def _lost(self, reason: str) -> None:
        """The player's device went away (called on the player's thread): say so, and reopen."""
        self._off(reason)
        self._end_playing()
        with self._lock:
            if self._closing.is_set() or self._reconnecting is not None:
                return
            self._reconnecting = threading.Thread(
                target=self._reconnect, name="speech-reconnect", daemon=True
            )
            self._reconnecting.start()

    def _reconnect(self) -> None:
        """Open a new stream, with backoff, until one opens or the speaker closes."""
        rate = self._player.rate  # clips are rendered at this rate: the new stream keeps it
        for delay in devices.retry_delays():
            if self._closing.wait(delay):
                break
            player = self._try_player(rate)
            if player is None and devices.rescan():
                player = self._try_player(rate)
            if player is None:
                continue
            self._player.close()  # the lost one: stops its thread and what it still delivered
            self._end_playing()
            with self._lock:
                self._player = player
                self._reconnecting = None
            if self._closing.is_set():
                player.close()
                return
            if self._renderer.broken is None:
                voice = self.settings.voice or "default voice"
                self._publish(SpeechStatus(on=True, detail=f"speech back ({voice})"))
            return

    def _try_player(self, rate: int) -> Player | None:
        try:
            return self._new_player(rate)
        except Exception:  # PortAudioError and the like: the device is not back yet
            return None

    def _publish(self, status: SpeechStatus) -> None:
        self._status = status
        for listener in list(self._status_listeners):
            listener(status)
