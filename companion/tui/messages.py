"""Messages that adapter threads post to the UI (`post_message` is thread-safe)."""

from __future__ import annotations

from textual.message import Message

from companion.speech_in.port import Heard, ListenStatus
from companion.speech_out.port import SpeechStatus


class SpeechChanged(Message):
    def __init__(self, status: SpeechStatus) -> None:
        super().__init__()
        self.status = status


class ListenChanged(Message):
    """Microphone level and engine state; bursty, so a newer one replaces an unhandled older one."""

    def __init__(self, status: ListenStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ListenChanged)


class CommandHeard(Message):
    def __init__(self, heard: Heard) -> None:
        super().__init__()
        self.heard = heard
