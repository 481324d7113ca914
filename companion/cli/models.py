"""`companion models install|list`: the Vosk models, for another language than English, or for
English when `--engine vosk` asks for one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    from companion.speech_in.models import DEFAULT_MODEL, known_models

    parser = subparsers.add_parser("models", help="install or list speech recognition models")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser(
        "install",
        help=f"download and install a Vosk model (default: {DEFAULT_MODEL})",
        description="Downloads the model archive (or takes a local one, --file), checks it and "
        "installs it into the user data directory (or --into DIR). Nothing is left behind when "
        f"a step fails. Models known by name: {', '.join(known_models())}.",
    )
    install.add_argument(
        "name",
        nargs="?",
        default=None,
        help=f"a model known by name (default: {DEFAULT_MODEL}); with --url or --file, the "
        "directory name to install as (default: the archive's name)",
    )
    source = install.add_mutually_exclusive_group()
    source.add_argument("--url", default=None, help="where to download the model's zip from")
    source.add_argument(
        "--file", type=Path, default=None, metavar="PATH", help="a model's zip on this machine"
    )
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
    from companion.speech_in.models import DEFAULT_MODEL, install, known_model, text_progress

    name, url = args.name, args.url
    if url is None and args.file is None:
        known = known_model(name or DEFAULT_MODEL)  # a name it does not know is refused here
        name, url = known.name, known.url
    bar = text_progress()
    started = False

    def progress(done: int, total: int | None) -> None:
        # Announced when the download starts, so a name refused beforehand prints no
        # "Downloading" line that suggests otherwise.
        nonlocal started
        if not started:
            started = True
            print(f"Downloading {url}", flush=True)
        bar(done, total)

    try:
        if args.file is not None:
            target = install(name, sha256=args.sha256, into=args.into, force=args.force,
                             file=args.file)
        else:
            target = install(name, url, args.sha256, args.into, progress, args.force)
    finally:
        bar.end()  # an error, like the success line, starts on a line of its own
    print(f"Installed {target.name} at {target}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from companion.speech_in.models import INSTALL_COMMAND, installed_models

    models = installed_models()
    if not models:
        print(f"No Vosk model installed. English (for --engine vosk): {INSTALL_COMMAND}")
        return 0
    for model in models:
        grammar = "" if model.grammar else "  (no runtime grammar: cannot be used for commands)"
        print(f"{model.name}  [{model.language_label}]  {model.where}: {model.path}{grammar}")
    return 0
