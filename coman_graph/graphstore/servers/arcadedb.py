"""ArcadeDB with its Bolt plugin, from the ``arcadedb-embedded`` wheel's own Java and jars.

The root password reaches the server through ``arcadedb.server.rootPasswordPath``
(the 0600 password file), read at its first start; the databases live under
``<root>/databases``, the users under ``<root>/config``.
"""

from __future__ import annotations

from pathlib import Path

from coman_graph.errors import ServerSetupError
from coman_graph.graphstore.servers.base import LocalServer, jvm_memory_options


def arcadedb_home() -> Path:
    """The installed wheel's folder (with ``jre/`` and ``jars/``)."""
    try:
        import arcadedb_embedded
    except ImportError:
        raise ServerSetupError(
            "the arcadedb engine needs the arcadedb-embedded wheel: pip install coman-graph"
        ) from None
    return Path(arcadedb_embedded.__file__).resolve().parent


class ArcadeDbServer(LocalServer):
    """The embedded ArcadeDB server (Bolt + Studio on 127.0.0.1)."""

    engine = "arcadedb"
    user = "root"
    web_name = "ArcadeDB Studio"
    MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"

    def check_installed(self) -> None:
        java = arcadedb_home() / "jre" / "bin" / "java"
        if not java.exists():
            raise ServerSetupError(f"the arcadedb-embedded wheel has no Java runtime at {java}")

    def prepare(self, bolt_port: int, http_port: int) -> None:
        self._ports = (bolt_port, http_port)

    def command(self) -> list[str]:
        bolt_port, http_port = self._ports
        home = arcadedb_home()
        return [
            str(home / "jre" / "bin" / "java"),
            *jvm_memory_options(self.heap),
            "-cp",
            f"{home / 'jars'}/*",
            f"-Darcadedb.server.rootPath={self.root}",
            f"-Darcadedb.server.databaseDirectory={self.root / 'databases'}",
            f"-Darcadedb.server.rootPasswordPath={self.password_file}",
            # the per-query heap budget (half the heap) reserves ~20 KB per group of a GROUP BY,
            # so a batch of classifications exceeds it long before the heap fills
            "-Darcadedb.queryMaxHeapRAM=0",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1",
            f"-Darcadedb.server.httpIncomingPort={http_port}",
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "-Darcadedb.bolt.host=127.0.0.1",
            f"-Darcadedb.bolt.port={bolt_port}",
            f"-Darcadedb.bolt.defaultDatabase={self.database}",
            f"-Darcadedb.server.defaultDatabases={self.database}[{self.user}]",
            self.MAIN_CLASS,
        ]

    def owns_process(self, cmdline: str) -> bool:
        return self.MAIN_CLASS in cmdline and f"rootPath={self.root} " in cmdline
