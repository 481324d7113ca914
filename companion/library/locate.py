"""Line numbers for key paths in a TOML text.

Used by `companion.library.loader` to put a line on every schema error. `tomllib` returns plain
dicts without positions, so this module re-reads the (already valid) text with a small scanner
that follows tables, arrays of tables, inline tables and arrays, and records the line where each
key or array element starts. It is only ever run on text that `tomllib` accepted.
"""

from __future__ import annotations

import bisect

KeyPath = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int:
    """The line of `path`, or of its nearest ancestor that has one (a missing key → its table)."""
    for length in range(len(path), 0, -1):
        line = lines.get(path[:length])
        if line is not None:
            return line
    return 1


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path and array element in `text` to the 1-based line where it starts."""
    return _Scanner(text).scan()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]
        self.lines: dict[KeyPath, int] = {}
        # For each array of tables, the index of its latest `[[...]]` entry: later headers and
        # keys belong to that entry.
        self.array_tables: dict[KeyPath, int] = {}

    def scan(self) -> dict[KeyPath, int]:
        prefix: KeyPath = ()
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            line = self._line()
            if self.text.startswith("[[", self.pos):
                self.pos += 2
                keys = self._key()
                self.pos = self.text.index("]]", self.pos) + 2
                array = (*self._resolve(keys[:-1]), keys[-1])
                index = self.array_tables.get(array, -1) + 1
                self.array_tables[array] = index
                prefix = (*array, index)
                self.lines.setdefault(array, line)
                self.lines[prefix] = line
            elif self.text.startswith("[", self.pos):
                self.pos += 1
                keys = self._key()
                self.pos = self.text.index("]", self.pos) + 1
                prefix = self._resolve(keys)
                self.lines.setdefault(prefix, line)
            else:
                self._key_value(prefix)

    def _resolve(self, keys: list[str]) -> KeyPath:
        """A header's dotted key as a path, stepping into the latest entry of arrays of tables."""
        path: KeyPath = ()
        for key in keys:
            path = (*path, key)
            if path in self.array_tables:
                path = (*path, self.array_tables[path])
        return path

    def _key_value(self, prefix: KeyPath) -> None:
        line = self._line()
        keys = self._key()
        for length in range(1, len(keys) + 1):
            self.lines.setdefault((*prefix, *keys[:length]), line)
        self._skip_blank(newlines=False)
        self.pos += 1  # the "="
        self._skip_blank(newlines=False)
        self._value((*prefix, *keys))

    def _value(self, path: KeyPath) -> None:
        char = self.text[self.pos]
        if char == "{":
            self.pos += 1
            while True:
                self._skip_blank(newlines=True)
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                if self.text[self.pos] == ",":
                    self.pos += 1
                    continue
                self._key_value(path)
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                if self.text[self.pos] == ",":
                    self.pos += 1
                    continue
                self.lines.setdefault((*path, index), self._line())
                self._value((*path, index))
                index += 1
        elif char in "\"'":
            self._string()
        else:
            while self.pos < len(self.text) and self.text[self.pos] not in _SCALAR_END:
                self.pos += 1

    def _key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            if self.text[self.pos] in "\"'":
                keys.append(self._string())
            else:
                start = self.pos
                while self.pos < len(self.text) and self.text[self.pos] in _BARE_KEY:
                    self.pos += 1
                keys.append(self.text[start : self.pos])
            self._skip_blank(newlines=False)
            if self.pos < len(self.text) and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def _string(self) -> str:
        """Skip a string of any of TOML's four kinds; return its raw contents (for quoted keys)."""
        quote = self.text[self.pos]
        if self.text.startswith(quote * 3, self.pos):
            start = self.pos + 3
            end = start
            while not self.text.startswith(quote * 3, end):
                # Only basic strings have escapes: `\"""` inside one does not close it.
                end += 2 if quote == '"' and self.text[end] == "\\" else 1
            # A multi-line string may end with up to two extra quotes before the closing three.
            while self.text.startswith(quote, end + 3):
                end += 1
            self.pos = end + 3
            return self.text[start:end]
        start = self.pos + 1
        self.pos = start
        while self.text[self.pos] != quote:
            # Only basic ("...") strings have escapes; skip the escaped character.
            self.pos += 2 if quote == '"' and self.text[self.pos] == "\\" else 1
        self.pos += 1
        return self.text[start : self.pos - 1]

    def _skip_blank(self, *, newlines: bool) -> None:
        blank = " \t\r\n" if newlines else " \t"
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif char in blank:
                self.pos += 1
            else:
                return

    def _line(self) -> int:
        return bisect.bisect_left(self.newlines, self.pos) + 1
