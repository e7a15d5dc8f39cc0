"""Which matching kernel a store runs: the Cypher specification, or the coman.* procedures.

The matching kernel (``cypher/kernel/``, ``cypher/infer/activate``) is Cypher, and that
Cypher is its specification and what every server runs. A Neo4j server with this project's
procedure plugin (``engines/neo4j/procedures``, installed by ``scripts/setup`` into the local
engine) also runs it compiled, as ``coman.*`` procedures that make the same decisions; the
query registry then loads each query's ``.procedure`` fast path (``graphstore/queries.py``).

``auto`` (the default) takes the procedures when the server answers ``coman.version()`` with
the kernel revision this code expects, the Cypher kernel otherwise; ``procedure`` insists on
them (:class:`ProceduresUnavailableError`, exit code 6, when they are missing or stale);
``cypher`` never uses them.
"""

from __future__ import annotations

import os

from coman_graph.errors import InputError, ProceduresUnavailableError, QueryError
from coman_graph.graphstore.connection import GraphStore
from coman_graph.graphstore.queries import CYPHER, PROCEDURE

AUTO = "auto"
#: The kernels a user can ask for; the first is the default.
KERNELS = (AUTO, PROCEDURE, CYPHER)
#: The revision of the matching kernel this code's Cypher specifies; the plugin's
#: ``coman.version()`` must report the same (``Procedures.KERNEL`` in the plugin's source).
KERNEL_VERSION = 3
#: Where the plugin comes from, for the error that says it is missing.
PLUGIN_HINT = (
    "scripts/setup builds it into .tools/neo4j/plugins/coman-graph-procedures.jar; "
    "docs/procedures.md says how to add it to a Neo4j server of your own"
)


def default_kernel() -> str:
    """``$COMAN_KERNEL`` if set, else ``auto``."""
    return os.environ.get("COMAN_KERNEL") or AUTO


def check_kernel(kernel: str) -> str:
    """``kernel`` if it is one of :data:`KERNELS`; InputError naming it otherwise."""
    if kernel not in KERNELS:
        raise InputError(f"unknown kernel {kernel!r}: expected one of {', '.join(KERNELS)}")
    return kernel


def plugin_kernel(store: GraphStore) -> tuple[int | None, str]:
    """The kernel revision the server's coman.* plugin implements (None without the plugin),
    and what it answered, for messages."""
    try:
        rows = store.run("plugin/version")
    except QueryError as exc:
        return None, str(exc.__cause__ or exc).splitlines()[-1][:200]
    row = rows[0] if rows else {}
    revision = row.get("kernel")
    answer = f"coman.version() answered {row!r}"
    return (revision if isinstance(revision, int) else None), answer


def choose_kernel(store: GraphStore, requested: str = AUTO) -> str:
    """The kernel ``store`` runs for a request of ``requested`` (``auto``, ``procedure`` or
    ``cypher``): ``procedure`` or ``cypher``."""
    check_kernel(requested)
    if requested == CYPHER:
        return CYPHER
    revision, answer = plugin_kernel(store)
    if revision == KERNEL_VERSION:
        return PROCEDURE
    if requested == PROCEDURE:
        found = "no coman.* procedures" if revision is None else f"kernel revision {revision}"
        raise ProceduresUnavailableError(
            f"the graph server at {store.config.uri} has {found} ({answer}), this coman-graph "
            f"needs kernel revision {KERNEL_VERSION}: {PLUGIN_HINT}"
        )
    return CYPHER
