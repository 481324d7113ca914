"""Turning phrases into playable clips, on one owner thread.

`speaker.Speaker` asks for clips here; `companion voices` lists voices through `list_voices`.
The thread owns the pyttsx3 worker process (`tts_worker`): it is the only code that talks to it,
because pyttsx3's engine is a process-wide singleton that misbehaves when two threads drive it.
Each clip is looked up in memory, then on disk, then rendered, checked and retried; urgent
requests (something `say()` needs now) are served before background pre-rendering.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.audio.pcm import Samples, quantize
from companion.audio.resample import resample
from companion.crash import write_crash_log
from companion.speech_out.clips import (
    BadRender,
    DiskCache,
    check_render,
    read_clip,
    trim,
)

ClipReady = Callable[[Samples | None], None]

ATTEMPTS = 4
START_TIMEOUT_S = 15.0
RENDER_TIMEOUT_S = 10.0

ESPEAK_HINT = "espeak-ng is missing: install the Debian package espeak-ng"


class WorkerError(Exception):
    """The worker process could not start, died, or stopped answering."""


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]


class _Worker:
    """One `tts_worker` process and its line protocol."""

    def __init__(self) -> None:
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "companion.speech_out.tts_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal is the UI's, not the worker's
            )
        except OSError as err:
            raise WorkerError(f"cannot start the speech renderer: {err}") from err
        self._buffer = b""
        self.ready = False

    def _handshake(self) -> None:
        """Wait for the worker's greeting; starting takes ~0.1 s, so it is awaited only on use."""
        hello = self._read(START_TIMEOUT_S)
        if not hello.get("ready"):
            error = str(hello.get("error", "unknown error"))
            if "espeak" in error.lower():
                raise WorkerError(f"{ESPEAK_HINT} ({error})")
            raise WorkerError(f"pyttsx3 did not start: {error}")
        self.ready = True

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        if not self.ready:
            self._handshake()
        assert self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self._process.stdin.flush()
        except OSError as err:
            raise WorkerError(f"speech renderer died: {err}") from err
        return self._read(timeout)

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerError(f"speech renderer did not answer within {timeout:.0f} s")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise WorkerError(f"speech renderer exited ({self._process.wait()})")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        message: dict[str, Any] = json.loads(line)
        return message

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


def find_voice(wanted: str, voices: list[Voice]) -> Voice | None:
    """The voice `wanted` names: an id ("gmw/en-us"), its last part ("en-us") or a name, with
    or without an espeak-ng variant ("en-us+f3"), which pyttsx3 does not list.

    espeak-ng quietly falls back to its default voice for a name it does not know, so a typo
    in `--voice` would go unnoticed without this check.
    """
    key = wanted.split("+", 1)[0].casefold()
    for voice in voices:
        names = (voice.id, voice.id.rsplit("/", 1)[-1], voice.name)
        if key in (name.casefold() for name in names):
            return voice
    return None


def unknown_voice(wanted: str) -> str:
    return f"unknown voice {wanted!r}; `companion voices` lists the voices here"


def voice_problem(wanted: str) -> str | None:
    """Why the voice `wanted` cannot be used, or None. Checked once per voice and process (a
    settings file and the flags are checked before a session); None too when no voice can be
    listed, since speech is then off and says why itself."""
    try:
        voices = _installed_voices()
    except WorkerError:
        return None
    return None if find_voice(wanted, voices) is not None else unknown_voice(wanted)


@functools.cache
def _installed_voices() -> list[Voice]:
    return list_voices()


def list_voices() -> list[Voice]:
    """Every voice pyttsx3 offers on this machine; raises WorkerError when it cannot start."""
    worker = _Worker()
    try:
        return _voices(worker)
    finally:
        worker.close()


def _voices(worker: _Worker) -> list[Voice]:
    reply = worker.call({"op": "voices"}, RENDER_TIMEOUT_S)
    return [Voice(v["id"], v["name"], tuple(v["languages"])) for v in reply["voices"]]


class Renderer:
    """Clips for one (voice, rate), resampled to the output's rate, kept in memory and on disk."""

    def __init__(
        self,
        *,
        voice: str | None,
        rate: int,
        output_rate: int,
        cache: DiskCache,
        on_broken: Callable[[str], None],
    ) -> None:
        self.voice = voice
        self.rate = rate
        self.output_rate = output_rate
        self._cache = cache
        self._on_broken = on_broken
        self._memory: dict[str, Samples] = {}
        self._memory_lock = threading.Lock()
        # (tier, order, text, callback): tier 0 is urgent, 1 background; None text stops the
        # thread, at tier -1 so that closing does not wait for pre-rendering still queued.
        self._jobs: queue.PriorityQueue[tuple[int, int, str | None, ClipReady | None]] = (
            queue.PriorityQueue()
        )
        self._order = itertools.count()
        self._worker: _Worker | None = None
        self._broken: str | None = None
        self._scratch = Path(tempfile.mkdtemp(prefix="companion-tts-"))
        self._thread = threading.Thread(target=self._run, name="speech-render", daemon=True)
        self._thread.start()

    @property
    def broken(self) -> str | None:
        """Why rendering is impossible (espeak-ng missing, …), or None."""
        return self._broken

    def cached(self, text: str) -> Samples | None:
        with self._memory_lock:
            return self._memory.get(text)

    def request(self, text: str, done: ClipReady, *, urgent: bool = True) -> None:
        """Produce `text`, then call `done` (on the render thread) with it, or None on failure."""
        self._jobs.put((0 if urgent else 1, next(self._order), text, done))

    def prepare(self, text: str) -> None:
        self._jobs.put((1, next(self._order), text, None))

    def close(self) -> None:
        self._jobs.put((-1, next(self._order), None, None))
        self._thread.join(timeout=RENDER_TIMEOUT_S + 1)
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        for leftover in self._scratch.iterdir():
            leftover.unlink(missing_ok=True)
        self._scratch.rmdir()

    def _run(self) -> None:
        try:
            self._worker = _Worker()  # started now so the first render does not wait for it
        except WorkerError as err:
            self._fail(str(err))
        if self._worker is not None and self.voice is not None:
            self._check_voice(self._worker, self.voice)
        while True:
            _, _, text, done = self._jobs.get()
            if text is None:
                return
            try:
                clip = self.cached(text)
                if clip is None:
                    clip = self._produce(text)
            except Exception as err:  # a bug must cost one phrase, not the rest of the session
                write_crash_log(err)
                clip = None
            if done is not None:
                done(clip)

    def _check_voice(self, worker: _Worker, wanted: str) -> None:
        try:
            voices = _voices(worker)
        except WorkerError as err:
            if not worker.ready:
                self._fail(str(err))  # it never started: nothing will render
            else:
                worker.close()  # a hiccup; rendering starts a new worker and retries
                self._worker = None
            return
        if find_voice(wanted, voices) is None:
            self._fail(unknown_voice(wanted))

    def _produce(self, text: str) -> Samples | None:
        stored = self._cache.load(text, self.voice, self.rate)
        if stored is None:
            fresh = self._render(text)
            if fresh is None:
                return None
            self._cache.store(text, self.voice, self.rate, *fresh)
            stored = fresh
        clip = resample(stored[0], stored[1], self.output_rate)
        with self._memory_lock:
            self._memory[text] = clip
        return clip

    def _render(self, text: str) -> tuple[Samples, int] | None:
        """Render with the worker, checking each result; a hung or dead worker is replaced."""
        if self._broken is not None:
            return None
        path = self._scratch / "clip.wav"
        for _attempt in range(ATTEMPTS):
            path.unlink(missing_ok=True)
            try:
                if self._worker is None:
                    self._worker = _Worker()
                reply = self._worker.call(
                    {"op": "render", "text": text, "voice": self.voice, "rate": self.rate,
                     "path": str(path)},
                    RENDER_TIMEOUT_S,
                )
            except WorkerError as err:
                if self._worker is None or not self._worker.ready:
                    self._fail(str(err))  # it never started: retrying will not help
                    return None
                self._worker.close()
                self._worker = None
                continue
            if not reply.get("ok"):
                continue
            try:
                return self._checked(text, path)
            except BadRender:
                continue
        return None

    def _fail(self, reason: str) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._broken = reason
        self._on_broken(reason)

    def _checked(self, text: str, path: Path) -> tuple[Samples, int]:
        try:
            samples, rate = read_clip(path)
            check_render(text, samples, rate, self.rate)
        except BadRender:
            # The file is sometimes complete only a moment after runAndWait() returns.
            time.sleep(0.05)
            samples, rate = read_clip(path)
            check_render(text, samples, rate, self.rate)
        return quantize(trim(samples, rate)), rate
