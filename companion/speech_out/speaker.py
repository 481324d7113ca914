"""The companion's voice: the `SpeechOut` the session runner and `companion say` use.

`open_speech_out(settings)` returns a `Speaker` (pyttsx3 clips played through the companion's own
sounddevice stream) or, when speech cannot work, a `SilentSpeechOut` whose status says why and
what to install. A `Speaker` that loses its device mid-session turns itself silent the same way.
"""

from __future__ import annotations

import ctypes.util
import itertools
import sys
import threading
from collections.abc import Iterable

from companion import commands, paths
from companion.audio.echo import PlaybackReference
from companion.audio.pcm import Samples
from companion.domain.effects import Priority
from companion.speech_out.clips import DiskCache
from companion.speech_out.earcons import synthesize
from companion.speech_out.player import ClipEvent, Item, Player
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
        self._player = Player(
            device=settings.device, on_event=self._on_event, on_lost=self._off, reference=reference
        )
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
        self._player.close()
        self._renderer.close()

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
        if event.ended:
            started = item.started if item.started is not None else event.time
            playback = Playback(item.text, started, event.time, event.interrupted)
        else:
            playback = Playback(item.text, event.time, None)
        for listener in list(self._playback_listeners):
            listener(playback)

    def _off(self, reason: str) -> None:
        if self._status.on:
            self._publish(SpeechStatus(on=False, detail=f"speech off: {reason}"))

    def _publish(self, status: SpeechStatus) -> None:
        self._status = status
        for listener in list(self._status_listeners):
            listener(status)
