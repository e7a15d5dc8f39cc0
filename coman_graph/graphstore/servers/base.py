"""The lifecycle every local graph server shares, whatever its engine.

A local server is a child process on 127.0.0.1 only, on free ports, in a data
folder of its own (mode 0700; the server runs with umask 077, so what it writes is
private too). Its generated password is kept in ``password`` (mode 0600) and
reaches the server through that file, never through a command line, a log or
output. ``server.json`` records the pid, the ports and the engine, so ``status``
and ``stop`` work from another shell; a stale record is detected and removed.
``engine`` marks which engine's data the folder holds, so one engine never opens
another's folder. The server is ready when Bolt answers ``RETURN 1``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path

from coman_graph.errors import GraphStoreError, ServerSetupError
from coman_graph.graphstore.config import ConnectionConfig

STATE_FILE = "server.json"
PASSWORD_FILE = "password"
ENGINE_FILE = "engine"
LOG_FILE = "server.log"
DEFAULT_HEAP = "2g"
#: Files a folder may hold and still be taken as a new, empty data folder.
FRESH_FOLDER_FILES = {PASSWORD_FILE, LOG_FILE}
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
START_TIMEOUT = 120.0
STOP_TIMEOUT = 60.0


@dataclass(frozen=True)
class ServerState:
    """What a running local server recorded about itself."""

    engine: str
    pid: int
    bolt_port: int
    http_port: int
    root: str

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


#: Both servers run with the throughput collector and half their heap as young generation:
#: a query's intermediate rows die young, and G1's small default young generation spent about
#: a fifth of a classifying server's CPU time in collections (scripts/bench-classify: 27 ->
#: 50 images/s on Neo4j).
GC_OPTIONS = ("-XX:+UseParallelGC",)


def jvm_memory_options(heap: str) -> list[str]:
    """``-Xms``/``-Xmx`` of ``heap`` (e.g. ``2g``, ``512m``) and a young generation of half."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    try:
        megabytes = int(float(heap[:-1]) * units[heap[-1].lower()])
    except (KeyError, ValueError, IndexError):
        raise ServerSetupError(
            f"heap {heap!r}: expected a size such as 2g or 512m (COMAN_SERVER_HEAP)"
        ) from None
    return [f"-Xms{megabytes}m", f"-Xmx{megabytes}m", f"-Xmn{megabytes // 2}m", *GC_OPTIONS]


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that nothing listens on right now.

    All sockets stay bound until every port is chosen, so the system cannot hand out one
    port twice (a server given the same port for Bolt and HTTP fails to start).
    """
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def process_cmdline(pid: int) -> str:
    """The command line of ``pid`` ('' if there is no such process)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


class LocalServer(ABC):
    """Start, stop and inspect the local server of one engine living in ``root``."""

    #: The engine's name: ``arcadedb`` or ``neo4j``.
    engine: str
    #: The user the generated password belongs to, and the database coman-graph uses.
    user: str
    database = "neo4j"
    #: What the HTTP port serves (printed by ``db start`` and ``db status``).
    web_name: str
    web_path = "/"

    def __init__(self, root: Path, heap: str | None = None) -> None:
        self.root = Path(root).expanduser().resolve()
        self.heap = heap or os.environ.get("COMAN_SERVER_HEAP", DEFAULT_HEAP)

    # -- what each engine defines -------------------------------------------------
    @abstractmethod
    def check_installed(self) -> None:
        """Raise ServerSetupError naming what is missing if the engine cannot run here."""

    @abstractmethod
    def prepare(self, bolt_port: int, http_port: int) -> None:
        """Write the engine's configuration for these ports into the data folder."""

    @abstractmethod
    def command(self) -> list[str]:
        """The command line that runs the server (no secret in it)."""

    @abstractmethod
    def owns_process(self, cmdline: str) -> bool:
        """True if ``cmdline`` is this engine's server for this data folder."""

    # -- files --------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.root / STATE_FILE

    @property
    def password_file(self) -> Path:
        return self.root / PASSWORD_FILE

    @property
    def engine_file(self) -> Path:
        return self.root / ENGINE_FILE

    @property
    def log_file(self) -> Path:
        return self.root / LOG_FILE

    def web_url(self, state: ServerState) -> str:
        return state.http_url + self.web_path

    def _password(self) -> str:
        """The password, generated once and kept in a 0600 file."""
        if not self.password_file.exists():
            self._make_root()
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(24))
        return self.password_file.read_text().strip()

    def _make_root(self) -> None:
        self.root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        self.root.chmod(PRIVATE_DIR)

    def _claim_folder(self) -> None:
        """Mark the folder as this engine's, or refuse a folder that holds something else.

        Nothing in a refused folder is touched.
        """
        if self.engine_file.exists():
            found = self.engine_file.read_text().strip()
            if found != self.engine:
                raise ServerSetupError(
                    f"data folder {self.root} holds a {found or 'unknown'} server's data, "
                    f"not {self.engine}'s: use --engine {found} or another --server-dir"
                )
            return
        if self.root.exists() and not self.root.is_dir():
            raise ServerSetupError(f"data folder {self.root} is a file, not a folder")
        present = {p.name for p in self.root.iterdir()} if self.root.exists() else set()
        if present - FRESH_FOLDER_FILES:
            raise ServerSetupError(
                f"data folder {self.root} is not empty and was not made by coman-graph "
                f"(it holds {', '.join(sorted(present)[:3])}...): give an empty or new --server-dir"
            )
        self._make_root()
        fd = os.open(self.engine_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "w") as handle:
            handle.write(self.engine + "\n")

    # -- state --------------------------------------------------------------------
    def status(self) -> ServerState | None:
        """The running server's state, or None (a stale state file is removed)."""
        try:
            state = ServerState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if state.engine == self.engine and self.owns_process(process_cmdline(state.pid)):
            return state
        if state.engine == self.engine:
            self.state_file.unlink(missing_ok=True)
        return None

    def config(self) -> ConnectionConfig:
        """Connection settings for the running server."""
        state = self.status()
        if state is None:
            raise GraphStoreError(f"the {self.engine} server in {self.root} is not running")
        return ConnectionConfig(state.bolt_uri, self.user, self._password(), self.database)

    # -- lifecycle ----------------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT) -> tuple[ServerState, bool]:
        """Start the server unless it runs already; returns (state, started_now)."""
        running = self.status()
        if running is not None:
            self._wait_ready(running, timeout)
            return running, False
        self.check_installed()
        self._claim_folder()
        self._password()
        bolt_port, http_port = free_ports(2)
        self.prepare(bolt_port, http_port)
        log_fd = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        with os.fdopen(log_fd, "ab") as log:
            process = subprocess.Popen(
                self.command(),
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=0o077,
            )
        state = ServerState(self.engine, process.pid, bolt_port, http_port, str(self.root))
        fd = os.open(self.state_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(state), handle)
        try:
            self._wait_ready(state, timeout, process)
        except GraphStoreError:
            self._terminate(process.pid)
            self.state_file.unlink(missing_ok=True)
            raise
        return state, True

    def _wait_ready(
        self, state: ServerState, timeout: float, process: subprocess.Popen | None = None
    ) -> None:
        """Wait until Bolt answers ``RETURN 1`` with the generated password."""
        from coman_graph.graphstore.connection import connect

        deadline = time.monotonic() + timeout
        config = ConnectionConfig(state.bolt_uri, self.user, self._password(), self.database)
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise GraphStoreError(
                    f"the {self.engine} server exited with code {process.returncode} while "
                    f"starting; see {self.log_file}"
                )
            if port_answers(state.bolt_port):
                try:
                    store = connect(config, connection_timeout=2.0)
                except GraphStoreError:
                    failure = self.database_failure(config)
                    if failure is not None:
                        raise GraphStoreError(
                            f"the {self.engine} server in {self.root} cannot open its database "
                            f"{self.database!r}: {failure} (its files are left as they are; "
                            f"see {self.database_log})"
                        ) from None
                    time.sleep(0.3)
                    continue
                store.close()
                return
            time.sleep(0.2)
        raise GraphStoreError(
            f"the {self.engine} server did not answer on {state.bolt_uri} within "
            f"{timeout:.0f} s; see {self.log_file}"
        )

    @property
    def database_log(self) -> Path:
        """The log that tells why the database would not open."""
        return self.log_file

    def database_failure(self, config: ConnectionConfig) -> str | None:
        """Why the running server will not open its database (None: no known failure)."""
        return None

    def _terminate(self, pid: int, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the server's process group (a clean shutdown), SIGKILL if it hangs."""
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.owns_process(process_cmdline(pid)):
            time.sleep(0.2)
        if self.owns_process(process_cmdline(pid)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop the server; returns False if it was not running."""
        state = self.status()
        if state is None:
            return False
        self._terminate(state.pid, timeout)
        self.state_file.unlink(missing_ok=True)
        return True
