"""Commands the companion tells a person to run, written for this install, so they can be pasted.

After `./install-and-run` nothing is on PATH: the companion is `.venv/bin/companion`, and Debian's
own `pip` refuses to install (and would install elsewhere if it did not).
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path


def companion(arguments: str) -> str:
    """`companion ARGUMENTS`, with the path of this install's companion when PATH finds another
    one or none."""
    here = Path(sys.executable).with_name("companion")
    found = shutil.which("companion")
    if here.is_file() and (found is None or Path(found).resolve() != here.resolve()):
        return f"{shlex.quote(str(here))} {arguments}"
    return f"companion {arguments}"


def pip_install(package: str) -> str:
    """The command that installs `package` into the environment the companion runs in."""
    return f"{shlex.quote(sys.executable)} -m pip install {package}"
