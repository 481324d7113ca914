"""The pyttsx3 process: renders phrases to WAV files on request from `render.Renderer`.

pyttsx3 runs in this separate process, not in the companion, because its espeak driver prints to
stdout and espeak-ng may write to stderr: silencing those at the fd level inside the companion
would also swallow the terminal UI's own output, which Textual writes to the same descriptors.
A process can also be killed when `runAndWait()` hangs, which a thread cannot.

Protocol (one JSON object per line): requests on stdin, replies on the descriptor that was stdout
when the process started. First reply: {"ready": true} or {"ready": false, "error": ...}. Requests:
{"op": "render", "text", "voice", "rate", "path"} -> {"ok": true} / {"ok": false, "error"};
{"op": "voices"} -> {"voices": [{"id", "name", "languages"}]}.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO


def _protocol_channel() -> TextIO:
    """Keep the original stdout for replies and point fds 1 and 2 at /dev/null."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    return channel


def _languages(voice: Any) -> list[str]:
    out = []
    for language in getattr(voice, "languages", None) or []:
        # espeak reports languages as bytes prefixed with a priority byte.
        name = language[1:].decode("ascii", "replace") if isinstance(language, bytes) else language
        out.append(str(name))
    return out


def serve(requests: TextIO, replies: TextIO) -> None:
    def reply(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception as err:  # any failure here means no speech; the parent names the cause
        reply({"ready": False, "error": f"{type(err).__name__}: {err}"})
        return
    reply({"ready": True})
    defaults = {"voice": engine.getProperty("voice"), "rate": engine.getProperty("rate")}
    for line in requests:
        request = json.loads(line)
        if request.get("op") == "voices":
            voices = [
                {"id": v.id, "name": v.name, "languages": _languages(v)}
                for v in engine.getProperty("voices")
            ]
            reply({"voices": voices})
            continue
        try:
            engine.setProperty("voice", request.get("voice") or defaults["voice"])
            engine.setProperty("rate", request.get("rate") or defaults["rate"])
            engine.save_to_file(request["text"], request["path"])
            engine.runAndWait()
        except Exception as err:  # reported to the parent, which retries
            reply({"ok": False, "error": f"{type(err).__name__}: {err}"})
            continue
        reply({"ok": True})


if __name__ == "__main__":
    serve(sys.stdin, _protocol_channel())
