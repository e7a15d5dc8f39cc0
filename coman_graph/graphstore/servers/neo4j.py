"""Neo4j 5 Community with APOC and GDS, assembled from Maven Central by ``scripts/setup``.

``engines/neo4j/pom.xml`` pins the versions; Maven copies the jars into the
Neo4j home (``.tools/neo4j`` in the checkout, or ``$COMAN_NEO4J_HOME``): ``lib/``
with the server and the launcher, ``plugins/`` with APOC, GDS and the ``coman.*``
procedures (``engines/neo4j/procedures``), which the server's allow-list admits. The launcher
(``engines/neo4j/src``) sets the password of user ``neo4j`` from the 0600 file at
the first start, in-process, then runs the server with ``<root>/conf/neo4j.conf``,
which is written at every start with that start's ports. SIGTERM shuts it down
cleanly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from coman_graph.errors import ServerSetupError
from coman_graph.graphstore.config import ConnectionConfig
from coman_graph.graphstore.servers.base import PRIVATE_FILE, LocalServer, jvm_memory_options

LAUNCHER_CLASS = "org.comangraph.neo4j.Launcher"
LAUNCHER_JAR = "coman-graph-neo4j-launcher.jar"
JAVA_MAJOR = 17
PAGE_CACHE = "512m"
#: Procedures loaded with unrestricted access (they use Neo4j's internal API), and this project's
#: own (the public procedure API only); a procedure on no list is silently not loaded.
UNRESTRICTED_PROCEDURES = "gds.*,apoc.*"
COMAN_PROCEDURES = "coman.*"
#: The status of one database, asked of the system database.
SHOW_DATABASE = (
    "SHOW DATABASE $name YIELD requestedStatus AS requested, currentStatus AS current, "
    "statusMessage AS message"
)
#: JVM options Neo4j's own start script passes (direct buffers, Netty).
JVM_OPTIONS = (
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
NO_ARCADEDB_HINT = "the arcadedb engine still works: --engine arcadedb"


def neo4j_home() -> Path:
    """``$COMAN_NEO4J_HOME``, else ``.tools/neo4j`` of the checkout this package runs from."""
    env = os.environ.get("COMAN_NEO4J_HOME")
    return Path(env) if env else Path(__file__).resolve().parents[3] / ".tools" / "neo4j"


def java_executable() -> Path:
    """The ``java`` of ``$JAVA_HOME``, else the one on PATH; Java 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    found = Path(java_home) / "bin" / "java" if java_home else None
    if found is None or not found.exists():
        on_path = shutil.which("java")
        found = Path(on_path) if on_path else None
    if found is None:
        raise ServerSetupError(
            f"the neo4j engine needs Java {JAVA_MAJOR}+ (apt-get install openjdk-17-jre-headless);"
            f" {NO_ARCADEDB_HINT}"
        )
    probe = subprocess.run(
        [str(found), "-version"], capture_output=True, text=True, timeout=30, check=False
    )
    match = re.search(r'version "(\d+)', probe.stderr)
    if not match or int(match.group(1)) < JAVA_MAJOR:
        raise ServerSetupError(
            f"the neo4j engine needs Java {JAVA_MAJOR}+, {found} is "
            f"{match.group(1) if match else 'unknown'}; {NO_ARCADEDB_HINT}"
        )
    return found


class Neo4jServer(LocalServer):
    """A local Neo4j Community server (Bolt + Neo4j Browser on 127.0.0.1)."""

    engine = "neo4j"
    user = "neo4j"
    web_name = "Neo4j Browser"
    web_path = "/browser/"

    def __init__(self, root: Path, heap: str | None = None, home: Path | None = None) -> None:
        super().__init__(root, heap)
        self.home = Path(home) if home else neo4j_home()

    @property
    def conf_dir(self) -> Path:
        return self.root / "conf"

    def check_installed(self) -> None:
        if not (self.home / "lib" / LAUNCHER_JAR).exists():
            raise ServerSetupError(
                f"Neo4j is not installed in {self.home}: run scripts/setup (needs Java "
                f"{JAVA_MAJOR} and Maven 3.8, from Maven Central); {NO_ARCADEDB_HINT}"
            )
        self._java = java_executable()

    def prepare(self, bolt_port: int, http_port: int) -> None:
        settings = {
            "server.directories.data": self.root / "data",
            "server.directories.logs": self.root / "logs",
            "server.directories.run": self.root / "run",
            "server.directories.import": self.root / "import",
            "server.directories.plugins": self.home / "plugins",
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{bolt_port}",
            "server.http.listen_address": f"127.0.0.1:{http_port}",
            "server.http.advertised_address": f"127.0.0.1:{http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.security.procedures.unrestricted": UNRESTRICTED_PROCEDURES,
            "dbms.security.procedures.allowlist": f"{UNRESTRICTED_PROCEDURES},{COMAN_PROCEDURES}",
            "server.memory.pagecache.size": PAGE_CACHE,
            "db.tx_log.rotation.retention_policy": "2 files",
            "dbms.usage_report.enabled": "false",
        }
        self.conf_dir.mkdir(mode=0o700, exist_ok=True)
        conf = self.conf_dir / "neo4j.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "w") as handle:
            handle.write("# Written by coman-graph at every start; edits are overwritten.\n")
            handle.writelines(f"{key}={value}\n" for key, value in settings.items())

    def command(self) -> list[str]:
        return [
            str(self._java),
            *jvm_memory_options(self.heap),
            *JVM_OPTIONS,
            "-cp",
            f"{self.home / 'plugins'}/*:{self.home / 'lib'}/*",
            LAUNCHER_CLASS,
            str(self.root),
            str(self.conf_dir),
            str(self.password_file),
        ]

    def owns_process(self, cmdline: str) -> bool:
        return LAUNCHER_CLASS in cmdline and f" {self.root} " in cmdline

    @property
    def database_log(self) -> Path:
        return self.root / "logs" / "debug.log"

    def database_failure(self, config: ConnectionConfig) -> str | None:
        """The system database's status message when the database failed to start."""
        from neo4j import GraphDatabase

        with GraphDatabase.driver(
            config.uri, auth=(config.user, config.password), connection_timeout=2.0
        ) as driver:
            try:
                records, _, _ = driver.execute_query(
                    SHOW_DATABASE, name=config.database, database_="system"
                )
            except Exception:  # the system database not up yet either: keep waiting
                return None
        for record in records:
            if record["requested"] == "online" and record["current"] == "offline":
                return record["message"] or None
        return None
