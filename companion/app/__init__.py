"""The application: runs a session and wires the concrete adapters to it.

`wiring` is the composition root (the CLI hands it the settings it parsed); `runner` carries a
session's effects out to speech and history; `deferred` stands in for speech while it loads.
"""
