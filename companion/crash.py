"""What happens to an unexpected error: its traceback goes to a log file, the user gets one line.

Used by the CLI's `main` and by the Textual app (which would otherwise print a traceback on exit).
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

from companion import paths


def write_crash_log(error: BaseException) -> Path | None:
    """Append the traceback to `<cache dir>/crash.log`; None when even that cannot be written."""
    log = paths.cache_dir() / "crash.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as out:
            out.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')}\n")
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return log


def crash_message(error: BaseException) -> str:
    log = write_crash_log(error)
    where = f"; details are in {log}" if log is not None else ""
    return (
        f"companion stopped on an unexpected error ({type(error).__name__}: {error}){where}. "
        "Sets already done are saved in your history."
    )
