"""`companion models install|list`: the Vosk models that make recognition better."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    from companion.speech_in.models import DEFAULT_MODEL, DEFAULT_URL

    parser = subparsers.add_parser("models", help="install or list speech recognition models")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser(
        "install",
        help=f"download and install a Vosk model (default: {DEFAULT_MODEL})",
        description="Downloads the model archive, checks it and installs it into the user data "
        "directory (or --into DIR). Nothing is left behind when a step fails.",
    )
    install.add_argument(
        "name",
        nargs="?",
        default=None,
        help=f"directory name to install as (default: the archive's name, {DEFAULT_MODEL})",
    )
    install.add_argument("--url", default=DEFAULT_URL, help="where to download the zip from")
    install.add_argument(
        "--sha256",
        default=None,
        help="expected SHA-256 of the archive (the default model's is built in)",
    )
    install.add_argument("--into", type=Path, default=None, metavar="DIR", help="install under DIR")
    install.add_argument("--force", action="store_true", help="replace an installed model")
    install.set_defaults(run=run_install)
    listing = actions.add_parser("list", help="show the installed models")
    listing.set_defaults(run=run_list)


def run_install(args: argparse.Namespace) -> int:
    from companion.speech_in.models import install, text_progress

    bar = text_progress()
    started = False

    def progress(done: int, total: int | None) -> None:
        # Announced when the download starts, so a name refused beforehand prints no
        # "Downloading" line that suggests otherwise.
        nonlocal started
        if not started:
            started = True
            print(f"Downloading {args.url}", flush=True)
        bar(done, total)

    target = install(args.name, args.url, args.sha256, args.into, progress, args.force)
    print(f"\nInstalled {target.name} at {target}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from companion.speech_in.models import INSTALL_COMMAND, installed_models

    models = installed_models()
    if not models:
        print(f"No Vosk model installed. Install the English one with: {INSTALL_COMMAND}")
        return 0
    for model in models:
        grammar = "" if model.grammar else "  (no runtime grammar: cannot be used for commands)"
        print(f"{model.name}  [{model.language_label}]  {model.where}: {model.path}{grammar}")
    return 0
