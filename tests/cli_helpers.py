"""Run the `coman-graph` CLI as a user would: a subprocess pointed at the session's server."""

from __future__ import annotations

import os
import subprocess
import sys

CLI = [sys.executable, "-m", "coman_graph"]
#: The CLI with Ctrl-C (SIGINT) at its default, as a terminal starts it, even when this test
#: run ignores SIGINT (started as a background job): the default survives the exec, a handler
#: would not.
INTERRUPTIBLE_CLI = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'coman_graph', *sys.argv[1:]])",
]


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


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    """The CLI in a session of its own, so a Ctrl-C can go to it and its workers only."""
    return subprocess.Popen(
        [*INTERRUPTIBLE_CLI, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
