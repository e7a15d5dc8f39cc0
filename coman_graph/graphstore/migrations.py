"""Apply ``migrations/V###__name.cypher`` files in order, each exactly once.

Each applied file is recorded as ``(:Migration {version, name, checksum,
applied_at})``. A file whose checksum differs from the one recorded is an
error: migrations are append-only. A file may hold several statements
separated by ``;`` at the end of a line (schema statements run one per
transaction).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from coman_graph import MIGRATIONS_DIR
from coman_graph.errors import MigrationError, QueryError
from coman_graph.graphstore.connection import GraphStore

_FILE_NAME = re.compile(r"^V(\d{3})__(\w+)\.cypher$")

_APPLIED = "MATCH (m:Migration) RETURN m.version AS version, m.name AS name, m.checksum AS checksum"
_RECORD = (
    "MERGE (m:Migration {version: $version}) "
    "ON CREATE SET m.name = $name, m.checksum = $checksum, m.applied_at = datetime()"
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    checksum: str
    statements: tuple[str, ...]


def split_statements(text: str) -> tuple[str, ...]:
    """Statements of a migration file: comment lines dropped, split on ``;`` line ends."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return tuple(s.strip() for s in re.split(r";\s*$", body, flags=re.MULTILINE) if s.strip())


def discover(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files of ``folder``, in version order."""
    found = []
    for path in sorted(folder.glob("*.cypher")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files are named V###__name.cypher")
        text = path.read_text()
        found.append(
            Migration(
                int(match.group(1)),
                match.group(2),
                hashlib.sha256(text.encode()).hexdigest(),
                split_statements(text),
            )
        )
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{folder}: two migration files share a version number")
    return found


def migrate(store: GraphStore, folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every pending migration; return those applied now."""
    applied = {row["version"]: row for row in store.execute(_APPLIED)}
    pending = []
    for migration in discover(folder):
        record = applied.get(migration.version)
        if record is None:
            pending.append(migration)
        elif record["checksum"] != migration.checksum:
            raise MigrationError(
                f"migration V{migration.version:03d}__{migration.name} was changed after it was "
                "applied (checksum differs); add a new migration instead"
            )
    for migration in pending:
        for statement in migration.statements:
            try:
                store.execute(statement, label=f"migration V{migration.version:03d}")
            except QueryError as exc:
                raise MigrationError(str(exc)) from exc
        store.execute(
            _RECORD, version=migration.version, name=migration.name, checksum=migration.checksum
        )
    return pending
