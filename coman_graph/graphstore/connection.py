"""Open a Bolt connection and run named or literal Cypher, with clear one-line errors.

:class:`GraphStore` wraps one official ``neo4j`` driver. Writes that fail
transiently — including ArcadeDB's ConstraintValidationFailed when two MERGEs
on a unique key race — are retried with backoff.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as neo

from coman_graph.errors import GraphStoreError
from coman_graph.graphstore.config import ConnectionConfig
from coman_graph.graphstore.queries import load_query

RETRIES = 5
T = TypeVar("T")


class Transaction:
    """Named queries run inside one write transaction (see :meth:`GraphStore.transaction`)."""

    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        query = load_query(name)
        query.check(params)
        return [record.data() for record in self._tx.run(query.text, params)]


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, neo.TransientError | neo.SessionExpired | neo.ServiceUnavailable):
        return True
    text = f"{getattr(exc, 'code', '')} {exc}"
    return any(
        marker in text
        for marker in (
            "ConstraintValidation",
            "ConcurrentModification",
            "DuplicatedKey",
            "Locked",
            # ArcadeDB creates a type per label set on first use; racing creators lose this way.
            "already exists",
        )
    )


def _reason(exc: Exception) -> str:
    """The server's own words, on one line (ArcadeDB wraps them around the query text)."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    return lines[-1][:300] if lines else type(exc).__name__


def connect(config: ConnectionConfig, connection_timeout: float = 5.0) -> GraphStore:
    """Open and verify a connection; raise GraphStoreError naming the server on failure."""
    driver = GraphDatabase.driver(
        config.uri,
        auth=(config.user, config.password),
        connection_timeout=connection_timeout,
        connection_acquisition_timeout=connection_timeout * 2,
        max_transaction_retry_time=10.0,
    )
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=config.database)
    except neo.AuthError:
        driver.close()
        raise GraphStoreError(
            f"the graph server at {config.uri} refused user {config.user!r}: wrong password?"
        ) from None
    except neo.ClientError as exc:
        driver.close()
        raise GraphStoreError(
            f"the graph server at {config.uri} cannot serve database {config.database!r}: "
            f"{exc.message}"
        ) from None
    except (neo.ServiceUnavailable, OSError, neo.DriverError) as exc:
        driver.close()
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GraphStoreError(f"cannot reach the graph server at {config.uri}: {reason}") from None
    return GraphStore(driver, config)


class GraphStore:
    """A connected graph server: run named queries from ``cypher/`` or literal Cypher."""

    def __init__(self, driver: neo4j.Driver, config: ConnectionConfig) -> None:
        self.driver = driver
        self.config = config

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the named query ``cypher/<name>.cypher`` and return its rows as dicts."""
        query = load_query(name)
        query.check(params)
        return self.execute(query.text, label=name, **params)

    def transaction(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` in one write transaction: all its queries commit together or not at all.

        ``work`` may be called again if the transaction fails transiently.
        """
        try:
            with self.driver.session(database=self.config.database) as session:
                return session.execute_write(lambda tx: work(Transaction(tx)))
        except (neo.Neo4jError, neo.DriverError) as exc:
            raise GraphStoreError(f"transaction failed: {_reason(exc)}") from exc

    def execute(self, cypher: str, label: str | None = None, **params: Any) -> list[dict[str, Any]]:
        """Run one statement with parameters, retrying transient failures."""
        for attempt in range(RETRIES + 1):
            try:
                records, _, _ = self.driver.execute_query(
                    cypher, params, database_=self.config.database
                )
                return [record.data() for record in records]
            except neo.AuthError:
                raise GraphStoreError(
                    f"the graph server at {self.config.uri} refused user {self.config.user!r}"
                ) from None
            except Exception as exc:
                if attempt < RETRIES and _is_retryable(exc):
                    time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
                    continue
                if isinstance(exc, neo.Neo4jError | neo.DriverError):
                    where = label or cypher.strip().splitlines()[0][:60]
                    raise GraphStoreError(f"query {where} failed: {_reason(exc)}") from exc
                raise
        raise AssertionError("unreachable")
