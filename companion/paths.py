"""Where the companion keeps things on this machine.

Per-user directories come from platformdirs; each can be overridden by an environment variable
(tests point them at temporary directories). Nothing here creates a directory: callers that write
create what they need and report when they cannot.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "companion"


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """History database, user workouts, installed speech models. `COMPANION_DATA_DIR` overrides."""
    override = _override("COMPANION_DATA_DIR")
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """Rendered speech clips. `COMPANION_CACHE_DIR` overrides."""
    override = _override("COMPANION_CACHE_DIR")
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def config_file() -> Path:
    """The settings file (TOML). `COMPANION_CONFIG` overrides the whole path."""
    override = _override("COMPANION_CONFIG")
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def user_workouts_dir() -> Path:
    return data_dir() / "workouts"


def history_db() -> Path:
    return data_dir() / "history.sqlite3"


def user_models_dir() -> Path:
    return data_dir() / "models"


def project_root() -> Path:
    """The checkout this package runs from (it holds `workouts/` and `audio_models/`)."""
    return Path(__file__).resolve().parent.parent


def bundled_workouts_dir() -> Path:
    """Shipped workout files: `companion/bundled_workouts/` installed, `workouts/` in a checkout.

    Looked up beside this file, not imported: an editable install maps the package
    `companion.bundled_workouts` to the workouts of *its* checkout, which is not this code's
    when another checkout comes first on sys.path.
    """
    installed = Path(__file__).resolve().parent / "bundled_workouts"
    return installed if installed.is_dir() else project_root() / "workouts"


def bundled_models_dir() -> Path:
    return project_root() / "audio_models"
