"""Open a Bolt connection and run named or literal Cypher, with clear one-line errors.

:class:`GraphStore` wraps one official ``neo4j`` driver and owns the retry policy (the
driver's own transaction retries are off, so there is one policy, here):

- a transient failure is retried with jittered backoff, up to :data:`RETRIES` times: Neo4j's
  retryable errors (deadlocks, a leader switch) and ArcadeDB's ConstraintValidationFailed or
  ConcurrentModification when two writers race on the same key;
- a lost connection is retried only while the server still accepts a fresh one; a server
  that is gone fails at once with :class:`GraphStoreError` (exit code 3);
- refused credentials are a GraphStoreError; any other failure of a query is a
  :class:`QueryError` (exit code 7) naming the query.

A statement that writes nothing runs in read access mode (:func:`is_read_only` decides, from the
statement's text, for every query run here), so a ``neo4j://`` URI naming a Neo4j cluster routes
it to a secondary; writes and transactions go to the leader.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo

from coman_graph.errors import GraphStoreError, QueryError
from coman_graph.graphstore.config import ConnectionConfig
from coman_graph.graphstore.queries import CYPHER, load_query

#: Retries of a transient failure (or of a dropped connection to a server that still answers).
RETRIES = 6
#: Backoff before retry n (0-based): min(BACKOFF_CAP, BACKOFF_BASE * 2**n), jittered x0.5-1.5.
BACKOFF_BASE = 0.05
BACKOFF_CAP = 1.0
#: Server messages of ArcadeDB's optimistic concurrency, which a retry resolves.
TRANSIENT_MARKERS = (
    "ConstraintValidation",
    "ConcurrentModification",
    "DuplicatedKey",
    "Locked",
    # ArcadeDB creates a type per label set on first use; racing creators lose this way.
    "already exists",
    # ArcadeDB reads committed state without snapshots: a record a concurrent transaction
    # (another class's training step) deleted can still be reached while a query runs.
    "EntityNotFound",
)
T = TypeVar("T")

#: Comments and string literals, which may name a clause without being one.
_NOT_CLAUSES = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.S)
#: Clauses that write (or, for DROP and CREATE, change the schema).
_WRITE_CLAUSES = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|FOREACH|DROP|LOAD\s+CSV)\b", re.I
)
#: A procedure call (``CALL name(``), as opposed to a ``CALL (x) { ... }`` sub-query.
_PROCEDURE_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)\s*\(", re.I)
#: Procedures that only read. Any other procedure counts as a write.
READ_PROCEDURES = frozenset({"coman.activate", "coman.match", "coman.version"})
#: A Graph Data Science call: GDS keeps a projection on the member that made it, so every
#: statement of the adapter goes to the leader, where the next one finds it.
_GDS = re.compile(r"\bgds\.", re.I)

# The driver logs a dropped connection before raising it; the raised error is reported once, as
# one line, so its log records go nowhere unless the application configures logging.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


class Transaction:
    """Named queries run inside one write transaction (see :meth:`GraphStore.transaction`)."""

    def __init__(self, tx: neo4j.ManagedTransaction, kernel: str = CYPHER) -> None:
        self._tx = tx
        self._kernel = kernel

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        query = load_query(name, kernel=self._kernel)
        query.check(params)
        return [record.data() for record in self._tx.run(query.text, params)]


@lru_cache(maxsize=1024)
def is_read_only(cypher: str) -> bool:
    """True when ``cypher`` has no writing clause outside its comments and strings and calls
    only :data:`READ_PROCEDURES`: it can run in read access mode, on a cluster's secondary."""
    text = _NOT_CLAUSES.sub(" ", cypher)
    if _WRITE_CLAUSES.search(text) or _GDS.search(text):
        return False
    return all(name.lower() in READ_PROCEDURES for name in _PROCEDURE_CALL.findall(text))


def _is_transient(exc: Exception) -> bool:
    """A failure that the same work, tried again, is expected to get past."""
    if isinstance(exc, neo.Neo4jError) and exc.is_retryable():
        return True
    text = f"{getattr(exc, 'code', '')} {exc}"
    return any(marker in text for marker in TRANSIENT_MARKERS)


def _is_connection_loss(exc: Exception) -> bool:
    return isinstance(exc, neo.ServiceUnavailable | neo.SessionExpired | OSError)


#: The lines of a Neo4j error message that only echo the query: its quoted line, the caret.
_ECHO = re.compile(r'".*"|\^')


def _reason(exc: BaseException) -> str:
    """The server's own words, on one line, after the error's kind (the last part of its
    code). ArcadeDB puts them after the query text; Neo4j puts them before a quoted copy of
    the query line and a caret under the error."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    lines = [
        line.strip()
        for line in str(message).splitlines()
        if line.strip() and not _ECHO.fullmatch(line.strip())
    ]
    words = lines[-1][:300] if lines else type(exc).__name__
    kind = str(getattr(exc, "code", None) or "").rpartition(".")[2]
    return f"{kind}: {words}" if kind and kind not in words else words


def _backoff(attempt: int) -> None:
    time.sleep(min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * (0.5 + random.random()))


def connect(config: ConnectionConfig, connection_timeout: float = 5.0) -> GraphStore:
    """Open and verify a connection; raise GraphStoreError naming the server on failure."""
    driver = GraphDatabase.driver(
        config.uri,
        auth=(config.user, config.password),
        connection_timeout=connection_timeout,
        connection_acquisition_timeout=connection_timeout * 2,
        # GraphStore retries (see the module docstring); the driver does not.
        max_transaction_retry_time=0.0,
        # Neo4j warns about labels no data has yet (a fresh database); not the user's concern.
        notifications_min_severity="OFF",
    )
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=config.database)
    except neo.AuthError:
        driver.close()
        raise GraphStoreError(
            f"the graph server at {config.uri} refused user {config.user!r}: wrong password?"
        ) from None
    except (neo.ClientError, neo.DatabaseUnavailable) as exc:
        driver.close()
        raise GraphStoreError(
            f"the graph server at {config.uri} cannot serve database {config.database!r}: "
            f"{_reason(exc)}"
        ) from None
    except (neo.ServiceUnavailable, OSError, neo.DriverError) as exc:
        driver.close()
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GraphStoreError(f"cannot reach the graph server at {config.uri}: {reason}") from None
    return GraphStore(driver, config)


class GraphStore:
    """A connected graph server: run named queries from ``cypher/`` or literal Cypher.

    ``kernel`` says which text of a named query runs: ``"cypher"``, the specification, or
    ``"procedure"``, its fast path on the server's coman.* procedures (``graphstore/kernel.py``
    chooses it when the store is opened).
    """

    def __init__(
        self, driver: neo4j.Driver, config: ConnectionConfig, kernel: str = CYPHER
    ) -> None:
        self.driver = driver
        self.config = config
        self.kernel = kernel

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the named query ``cypher/<name>.cypher`` (as the store's kernel has it) and
        return its rows as dicts."""
        query = load_query(name, kernel=self.kernel)
        query.check(params)
        return self.execute(query.text, label=name, **params)

    def transaction(self, work: Callable[[Transaction], T], label: str = "transaction") -> T:
        """Run ``work`` in one write transaction: all its queries commit together or not at all.

        ``work`` is called again, in a new transaction, after a transient failure, so it must
        read what it depends on inside the transaction.
        """

        def attempt() -> T:
            with self.driver.session(database=self.config.database) as session:
                return session.execute_write(lambda tx: work(Transaction(tx, self.kernel)))

        return self._retrying(label, attempt)

    def execute(self, cypher: str, label: str | None = None, **params: Any) -> list[dict[str, Any]]:
        """Run one statement with parameters (retried as the module docstring says), in read
        access mode when it writes nothing (:func:`is_read_only`)."""
        routing = RoutingControl.READ if is_read_only(cypher) else RoutingControl.WRITE

        def attempt() -> list[dict[str, Any]]:
            records, _, _ = self.driver.execute_query(
                cypher, params, database_=self.config.database, routing_=routing
            )
            return [record.data() for record in records]

        where = label or cypher.strip().splitlines()[0][:60]
        return self._retrying(f"query {where}", attempt)

    def _retrying(self, what: str, attempt: Callable[[], T]) -> T:
        """``attempt()``, retried after transient failures; errors mapped to the taxonomy."""
        for tries in range(RETRIES + 1):
            try:
                return attempt()
            except neo.AuthError:
                raise GraphStoreError(
                    f"the graph server at {self.config.uri} refused user {self.config.user!r}"
                ) from None
            except (neo.Neo4jError, neo.DriverError, OSError) as exc:
                if _is_connection_loss(exc):
                    if isinstance(exc, neo.IncompleteCommit) or tries == RETRIES:
                        raise self._lost(what, exc) from None
                    lost = self._unreachable()
                    if lost is not None:
                        raise self._lost(what, lost) from None
                    continue
                if tries < RETRIES and _is_transient(exc):
                    _backoff(tries)
                    continue
                if isinstance(exc, neo.Neo4jError):
                    raise QueryError(f"{what} failed: {_reason(exc)}") from exc
                raise GraphStoreError(
                    f"{what} on the graph server at {self.config.uri} failed: {_reason(exc)}"
                ) from exc
        raise AssertionError("unreachable")

    def _unreachable(self) -> Exception | None:
        """Why the server does not accept a fresh connection now, or None if it does."""
        try:
            self.driver.verify_connectivity()
        except (neo.Neo4jError, neo.DriverError, OSError) as exc:
            return exc
        return None

    def _lost(self, what: str, exc: BaseException) -> GraphStoreError:
        return GraphStoreError(
            f"lost the graph server at {self.config.uri} during {what}: {_reason(exc)}"
        )
