"""The Moonshine model's tokenizer: its `tokenizer.bin` read; text turned into token ids and back.

Used by `model` to spell the command phrases it scores and to read back what it
transcribed. The file is a list of pieces, each one length byte and that many UTF-8 bytes; the
piece's position is its id. Ids 0-2 are <unk>, <s>, </s>; ids 3-258 stand for single raw bytes
(the fallback for text no piece covers); the rest are SentencePiece-style pieces in which "▁"
marks a word start. Pieces were added in merge order, so a lower id is an earlier (preferred)
merge, which is all that byte-pair encoding needs.
"""

from __future__ import annotations

from pathlib import Path

BOS = 1
EOS = 2
FIRST_BYTE = 3
FIRST_PIECE = FIRST_BYTE + 256
WORD_START = "▁"


class TokenizerError(ValueError):
    pass


class Tokenizer:
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces
        self._ids: dict[str, int] = {}
        for index, piece in enumerate(pieces[FIRST_PIECE:], FIRST_PIECE):
            # The first (lowest, earliest merged) id wins should a piece repeat.
            self._ids.setdefault(piece.decode("utf-8", "replace"), index)

    @classmethod
    def load(cls, path: Path) -> Tokenizer:
        data = path.read_bytes()
        pieces: list[bytes] = []
        at = 0
        while at < len(data):
            length = data[at]
            if length >= 0x80 or at + 1 + length > len(data):
                raise TokenizerError(f"{path}: not a Moonshine tokenizer file (at byte {at})")
            pieces.append(data[at + 1 : at + 1 + length])
            at += 1 + length
        if len(pieces) <= FIRST_PIECE:
            raise TokenizerError(f"{path}: only {len(pieces)} pieces; a vocabulary has thousands")
        return cls(pieces)

    def piece_id(self, piece: str) -> int | None:
        return self._ids.get(piece)

    def encode(self, text: str) -> list[int]:
        """Byte-pair encoding: merge adjacent parts, earliest merge first, while any merge fits."""
        parts = list(WORD_START + text.replace(" ", WORD_START))
        while len(parts) > 1:
            ranks = [self._ids.get(parts[i] + parts[i + 1]) for i in range(len(parts) - 1)]
            candidates = [(rank, i) for i, rank in enumerate(ranks) if rank is not None]
            if not candidates:
                break
            _, i = min(candidates)
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        ids: list[int] = []
        for part in parts:
            if part in self._ids:
                ids.append(self._ids[part])
            else:
                ids.extend(FIRST_BYTE + byte for byte in part.encode("utf-8"))
        return ids

    def decode(self, ids: list[int]) -> str:
        raw = b"".join(self.pieces[i] for i in ids if i >= FIRST_BYTE)
        return raw.decode("utf-8", "replace").replace(WORD_START, " ").strip()
