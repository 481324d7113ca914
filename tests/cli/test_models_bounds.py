"""`companion models install` is bounded: download size, total time and stalls; unpacked size,
ratio and member count; duplicate and overlapping members; stale work directories; known names
and local archives. Archives are served from 127.0.0.1 by the test itself."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import http.server
import io
import os
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_models import NAME, model_zip

from companion.cli import main
from companion.speech_in import models

Respond = Callable[[http.server.BaseHTTPRequestHandler], None]


class Server:
    """Answers each path with its own `respond(handler)` on 127.0.0.1."""

    def __init__(self) -> None:
        self.routes: dict[str, Respond] = {}
        self.requests: list[str] = []
        routes, requests = self.routes, self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                respond = routes.get(self.path)
                if respond is None:
                    self.send_error(404)
                    return
                # OSError: the client cut the connection, as a bounded download does.
                with contextlib.suppress(OSError):
                    respond(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, respond: Respond) -> str:
        self.routes[path] = respond
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def body(data: bytes, length: int | None = None) -> Respond:
    """The whole of `data` at once, with a Content-Length (`length`, else the true one)."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data) if length is None else length))
        handler.end_headers()
        handler.wfile.write(data)

    return respond


def trickle(piece: bytes, every_s: float, count: int, length: int | None) -> Respond:
    """`count` pieces, one every `every_s` seconds; no Content-Length when `length` is None."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        handler.end_headers()
        for _ in range(count):
            handler.wfile.write(piece)
            handler.wfile.flush()
            time.sleep(every_s)
        handler.close_connection = True

    return respond


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def into(isolated_dirs: Path) -> Path:
    return isolated_dirs / "data" / "models"


def install_fails(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["models", "install", *argv]) == 2
    return capsys.readouterr().err


# --- the download -------------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_server_that_sends_a_byte_every_so_often_times_out_on_a_line_of_its_own(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models, "STALL_S", 1.0)
    url = server.add("/m.zip", trickle(b"x", 0.2, 100, length=100))
    started = time.monotonic()
    err = install_fails(capsys, NAME, "--url", url)
    assert time.monotonic() - started < 10
    assert f"\ncompanion: download of {url} failed: it stalled (less than 64 kB in 1 s)\n" in err
    assert "%" in err.split("\n")[0]  # the bar was drawn, and the error did not join its line
    assert list(into.iterdir()) == []


@pytest.mark.timeout(30)
def test_a_download_that_takes_too_long_in_all_is_cut(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models, "MAX_DOWNLOAD_S", 1.0)
    monkeypatch.setattr(models, "STALL_BYTES", 1)  # never stalled: steady, only slow
    url = server.add("/m.zip", trickle(b"x" * 1000, 0.1, 100, length=100_000))
    err = install_fails(capsys, NAME, "--url", url)
    assert f"download of {url} failed: it took longer than 1 s" in err
    assert list(into.iterdir()) == []


def test_a_body_without_a_length_is_capped(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models, "MAX_ARCHIVE_BYTES", 100_000)
    url = server.add("/m.zip", trickle(b"x" * 10_000, 0, 50, length=None))
    err = install_fails(capsys, NAME, "--url", url)
    assert f"download of {url} refused: larger than 0.1 MB" in err
    assert list(into.iterdir()) == []


def test_a_length_over_the_limit_is_refused_before_the_body_is_read(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models, "MAX_ARCHIVE_BYTES", 100_000)
    url = server.add("/m.zip", body(b"", length=10**12))
    err = install_fails(capsys, NAME, "--url", url)
    assert f"download of {url} refused: larger than 0.1 MB" in err
    assert "%" not in err  # nothing was downloaded, no bar drawn


# --- the archive --------------------------------------------------------------------------------


def overlapping_zip() -> bytes:
    """Two members whose central directory entries point at the same local data."""
    data = bytearray(model_zip({"a/x.bin": b"1" * 100, "a/y.bin": b"2" * 100}))
    entries = [i for i in range(len(data)) if data.startswith(b"PK\x01\x02", i)]
    first = int.from_bytes(data[entries[-2] + 42 : entries[-2] + 46], "little")
    data[entries[-1] + 42 : entries[-1] + 46] = first.to_bytes(4, "little")
    return bytes(data)


def duplicate_zip() -> bytes:
    buffer = io.BytesIO(model_zip())
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "a") as bundle:
        bundle.writestr(f"{NAME}/am/final.mdl", b"again")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("case", "limit", "message"),
    [
        ("unpacked", ("MAX_MODEL_BYTES", 1_000_000), "it unpacks to 2 MB, more than 1 MB"),
        ("ratio", None, "'z.bin' unpacks 1024 times its packed size (more than 100)"),
        ("members", ("MAX_MEMBERS", 10), "12 members, more than 10"),
        ("duplicate", None, f"it holds '{NAME}/am/final.mdl' twice"),
        ("overlap", None, "'a/y.bin' overlaps 'a/x.bin' (members share bytes)"),
    ],
)
def test_an_archive_beyond_any_model_is_refused_before_it_is_unpacked(
    server: Server,
    into: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    limit: tuple[str, int] | None,
    message: str,
) -> None:
    if limit is not None:
        monkeypatch.setattr(models, *limit)
    archive = {
        "unpacked": lambda: model_zip({"big.bin": os.urandom(2_000_000)}),
        "ratio": lambda: model_zip({"z.bin": bytes(2_000_000)}, compression=zipfile.ZIP_DEFLATED),
        "members": lambda: model_zip({f"{n}.txt": b"x" for n in range(7)}),
        "duplicate": duplicate_zip,
        "overlap": overlapping_zip,
    }[case]()

    def never(self: zipfile.ZipFile) -> None:
        raise AssertionError("the archive was inflated before it was checked")

    monkeypatch.setattr(zipfile.ZipFile, "testzip", never)
    url = server.add("/m.zip", body(archive))
    err = install_fails(capsys, NAME, "--url", url)
    assert f"refusing the archive {url}: {message}" in err
    assert list(into.iterdir()) == []


# --- work directories a killed install left -----------------------------------------------------


def test_stale_work_directories_are_removed_by_the_next_install(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into.mkdir(parents=True)
    killed = into / ".install-vosk-model-small-en-us-0.15-k1ll3d_9"
    (killed / "extracted").mkdir(parents=True)
    (killed / "extracted" / "big").write_bytes(bytes(1000))
    (killed / "lock").write_bytes(b"")  # its install is gone: nobody holds the lock
    old_style = into / ".vosk-model-small-en-us-0.15-0ld5tyl3"
    old_style.mkdir()
    hour_ago = time.time() - 3600
    os.utime(old_style, (hour_ago, hour_ago))
    running = into / ".install-other-runn1ng0"
    running.mkdir()
    just_made = into / ".install-third-ju5tm4de"  # its lock is being created this instant
    just_made.mkdir()
    kept = into / ".my-notes"
    kept.mkdir()
    with (running / "lock").open("wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another install, still running
        url = server.add(f"/{NAME}.zip", body(model_zip()))
        assert main(["models", "install", NAME, "--url", url]) == 0
    assert sorted(path.name for path in into.iterdir()) == sorted(
        [NAME, running.name, just_made.name, kept.name]
    )


# --- what to install: a known name, or a local archive ------------------------------------------


def test_a_name_install_does_not_know_is_refused_with_the_known_ones(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = install_fails(capsys, "vosk-model-small-fr-0.22")
    known = ", ".join(models.known_models())
    assert f"no model called 'vosk-model-small-fr-0.22' is known; known models: {known}." in err
    assert "--url URL or --file PATH" in err
    assert not into.exists() or list(into.iterdir()) == []


def test_a_known_name_fetches_that_models_own_archive(
    server: Server, into: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    korean = "vosk-model-small-ko-0.22"
    assert korean in models.known_models()
    archive = model_zip()
    url = server.add(f"/{korean}.zip", body(archive))
    digest = hashlib.sha256(archive).hexdigest()
    monkeypatch.setattr(
        models, "known_models", lambda: {korean: models.KnownModel(korean, url, digest)}
    )
    assert main(["models", "install", korean]) == 0
    assert server.requests == [f"/{korean}.zip"]
    assert (into / korean / "am" / "final.mdl").is_file()
    assert f"Installed {korean} at {into / korean}" in capsys.readouterr().out


def test_a_local_archive_installs_without_a_download(
    tmp_path: Path, into: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / f"{NAME}.zip"
    archive.write_bytes(model_zip())
    assert main(["models", "install", "--file", str(archive)]) == 0
    assert (into / NAME / "conf" / "model.conf").is_file()
    assert (into / NAME / "companion-language").read_text() == "en\n"
    assert archive.is_file()  # the user's archive is theirs to keep
    err = install_fails(capsys, "mine", "--file", str(archive), "--sha256", "0" * 64)
    assert f"checksum mismatch for {archive}: expected {'0' * 64}" in err
    err = install_fails(capsys, "--file", str(tmp_path / "absent.zip"))
    assert f"no archive at {tmp_path / 'absent.zip'}" in err
    assert sorted(path.name for path in into.iterdir()) == [NAME]
