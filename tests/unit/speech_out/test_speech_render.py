"""The render thread, with the real pyttsx3 worker: a failed phrase costs only itself."""

from __future__ import annotations

import queue
from pathlib import Path

from companion import paths
from companion.audio.pcm import Samples
from companion.speech_out.clips import DiskCache
from companion.speech_out.render import Renderer


class ExplodingCache(DiskCache):
    """A cache whose lookup of one phrase hits an unexpected error, as a bug would."""

    def load(self, text: str, voice: str | None, rate: int) -> tuple[Samples, int] | None:
        if text == "boom":
            raise RuntimeError("a bug in the cache")
        return super().load(text, voice, rate)


def renderer(cache: DiskCache, broken: list[str]) -> Renderer:
    return Renderer(voice=None, rate=175, output_rate=48000, cache=cache, on_broken=broken.append)


def test_an_unexpected_error_costs_one_phrase_not_the_session(tmp_path: Path) -> None:
    broken: list[str] = []
    render = renderer(ExplodingCache(tmp_path / "speech"), broken)
    results: queue.Queue[Samples | None] = queue.Queue()
    try:
        render.request("boom", results.put)
        render.request("ribs down", results.put)
        assert results.get(timeout=20) is None
        clip = results.get(timeout=20)  # the thread is still rendering
        assert clip is not None and len(clip) > 0
    finally:
        render.close()
    assert broken == []
    assert "a bug in the cache" in (paths.cache_dir() / "crash.log").read_text()


def test_closing_does_not_wait_for_queued_pre_rendering(tmp_path: Path) -> None:
    broken: list[str] = []
    directory = tmp_path / "speech"
    render = renderer(DiskCache(directory), broken)
    first: queue.Queue[Samples | None] = queue.Queue()
    render.request("ribs down", first.put)
    assert first.get(timeout=20) is not None  # the worker is up and rendering
    for n in range(200):
        render.prepare(f"phrase number {n}")
    render.close()
    # At most the phrase being rendered when close() was called is finished after it.
    assert len(list(directory.glob("*.wav"))) <= 3
    assert broken == []
