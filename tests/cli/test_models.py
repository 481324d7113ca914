"""`companion models install|list` against archives served from 127.0.0.1 by the test itself."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.cli import main
from companion.speech_in.models import DEFAULT_SHA256

NAME = "vosk-model-small-en-us-0.15"
FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst")


def model_zip(extra: dict[str, bytes] | None = None, files: tuple[str, ...] = FILES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in files:
            bundle.writestr(f"{NAME}/{name}", f"content of {name}".encode())
        for name, data in (extra or {}).items():
            bundle.writestr(name, data)
    return buffer.getvalue()


class Server:
    """Serves `routes` (path -> (body, claimed length)) on 127.0.0.1 until the test ends."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, int]] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, length = routes.get(self.path, (b"", -1))
                if length < 0:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.timeout = 5
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, body: bytes, claimed: int | None = None) -> str:
        self.routes[path] = (body, len(body) if claimed is None else claimed)
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()


def models_dir(tmp: Path) -> Path:
    return tmp / "data" / "models"


def test_good_archive_installs_and_lists(
    server: Server, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = model_zip()
    url = server.add("/good.zip", body)
    digest = hashlib.sha256(body).hexdigest()
    assert main(["models", "install", "--url", url, "--sha256", digest]) == 0
    target = models_dir(isolated_dirs) / NAME
    assert (target / "am" / "final.mdl").read_bytes() == b"content of am/final.mdl"
    assert "100%" in capsys.readouterr().err  # the progress bar reached the end
    assert main(["models", "list"]) == 0
    listed = capsys.readouterr().out
    assert NAME in listed and "[en]" in listed
    # Installing again refuses rather than overwriting silently.
    assert main(["models", "install", "--url", url]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("truncated", "incomplete"),
        ("checksum", "checksum mismatch"),
        ("escape", "outside the model"),
        ("absolute", "outside the model"),
        ("not-a-model", "missing am/final.mdl"),
        ("not-a-zip", "not a complete zip"),
    ],
)
def test_bad_archives_leave_nothing_behind(
    server: Server,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    message: str,
) -> None:
    good = model_zip()
    extra: list[str] = []
    if case == "truncated":
        url = server.add("/m.zip", good[: len(good) // 2], claimed=len(good))
    elif case == "checksum":
        url = server.add("/m.zip", good)
        extra = ["--sha256", "0" * 64]
    elif case == "escape":
        url = server.add("/m.zip", model_zip({f"{NAME}/../../evil.txt": b"x"}))
    elif case == "absolute":
        url = server.add("/m.zip", model_zip({"/tmp/evil.txt": b"x"}))
    elif case == "not-a-model":
        url = server.add("/m.zip", model_zip(files=("README",)))
    else:
        url = server.add("/m.zip", b"this is not a zip file" * 10)
    assert main(["models", "install", "--url", url, *extra]) == 2
    assert message in capsys.readouterr().err
    directory = models_dir(isolated_dirs)
    assert list(directory.iterdir()) == []  # no half model, no temporary leftovers
    assert not (isolated_dirs / "evil.txt").exists()
    assert not Path("/tmp/evil.txt").exists()


def test_list_without_models_says_how_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("companion.speech_in.models.installed_models", list)
    assert main(["models", "list"]) == 0
    assert "companion models install" in capsys.readouterr().out


def test_the_default_model_is_checked_against_its_known_checksum(
    server: Server,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The official address, served here with an archive that is not the official one.
    url = server.add("/vosk-model-small-en-us-0.15.zip", model_zip())
    monkeypatch.setattr("companion.speech_in.models.DEFAULT_URL", url)
    assert main(["models", "install"]) == 2
    error = capsys.readouterr().err
    assert f"checksum mismatch for {url}: expected {DEFAULT_SHA256}" in error
    assert list(models_dir(isolated_dirs).iterdir()) == []
