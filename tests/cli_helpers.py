"""Run the `coman-graph` CLI as a user would: a subprocess pointed at the session's server."""

from __future__ import annotations

import os
import subprocess
import sys

CLI = [sys.executable, "-m", "coman_graph"]


def cli_env(server, **extra: str) -> dict[str, str]:
    """The environment that points the CLI at ``server`` (a LocalServer), plus ``extra``."""
    config = server.config()
    return {
        **os.environ,
        "NEO4J_URI": config.uri,
        "NEO4J_USER": config.user,
        "NEO4J_PASSWORD": config.password,
        "NEO4J_DATABASE": config.database,
        "COLUMNS": "200",
        **extra,
    }


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120):
    """Run ``coman-graph ARGS`` and capture its output."""
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)
