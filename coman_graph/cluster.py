"""The same jobs on a Dask cluster: sensing on its workers, classification on model replicas.

The primary database (the store this process opened) receives every write, as in a local run.
Workers only compute:

- **Sensing** (``cluster_senser``): batches of :class:`~coman_graph.ingest.SenseJob`, which
  carry their original image, so a worker needs no MNIST files; the rows come back and
  ``ingest`` writes them (idempotent, so a batch sensed twice is stored once).
- **Classification** (``classify_on_cluster``): each worker process holds a read-only replica
  of the model, a local engine server of its own, loaded from the model the job exported
  (``model_file``) unless it already holds that model. A batch is sensed on the worker,
  written into its replica and classified there; the rows and the decisions come back, and
  this process stores the samples on the primary and records the decisions as a local run
  does.

Dask reschedules the batches of a worker that dies; decisions are keyed by sample id, so none
is lost or counted twice.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import Client, Worker, WorkerPlugin, as_completed, get_worker
from distributed.core import Status

from coman_graph.errors import SchedulerUnreachableError
from coman_graph.graphstore.connection import GraphStore
from coman_graph.graphstore.open import open_store
from coman_graph.graphstore.servers import LocalServer, local_server
from coman_graph.inference import Decision, classify
from coman_graph.ingest import Sensed, SenseJob, Senser, sense_jobs, write_rows
from coman_graph.model_file import Model, export_model, import_model

#: Where the scheduler's address is read when ``--scheduler`` is not given.
SCHEDULER_ENV = "COMAN_SCHEDULER"
#: Seconds to wait for the scheduler to answer.
CONNECT_TIMEOUT = 10.0
#: Images sensed per task.
SENSE_BATCH = 16
#: Images sensed and classified per task on a replica.
CLASSIFY_BATCH = 100
#: Heap of a worker's replica server.
REPLICA_HEAP = "1g"


def scheduler_address(option: str | None) -> str | None:
    """``--scheduler`` if given, else ``$COMAN_SCHEDULER``; None runs the job on this machine."""
    return option or os.environ.get(SCHEDULER_ENV) or None


def connect(address: str) -> Client:
    """A client of the Dask scheduler at ``address`` (``[tcp://]host:port``).

    Raises
    ------
    SchedulerUnreachableError
        When nothing answers there within :data:`CONNECT_TIMEOUT`.
    """
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not host or not port.isdigit():
        raise SchedulerUnreachableError(
            f"Dask scheduler {address!r}: expected an address like tcp://host:8786"
        )
    try:
        # a refused connection fails at once, not after the client's retries
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SchedulerUnreachableError(
            f"Dask scheduler {address}: unreachable ({reason})"
        ) from None


def _as_completed_results(client: Client, futures: list[Any]) -> Iterator[Any]:
    """Each future's result as it completes; the rest cancelled if the caller stops early."""
    if not futures:
        return
    try:
        for future in as_completed(futures, loop=client.loop):
            yield future.result()
    finally:
        client.cancel(futures)


def cluster_senser(client: Client) -> Senser:
    """A senser for ``ingest`` that senses batches of jobs on the cluster's workers."""

    def sensed(jobs: list[SenseJob]) -> Iterator[Sensed]:
        batches = [jobs[i : i + SENSE_BATCH] for i in range(0, len(jobs), SENSE_BATCH)]
        futures = client.map(sense_jobs, batches, pure=False)
        for batch in _as_completed_results(client, futures):
            yield from batch

    return sensed


# -- replicas, in the worker processes ----------------------------------------------------------


@dataclass
class Replica:
    """A worker process's replica: its local server, a connection, and the model it holds."""

    server: LocalServer
    store: GraphStore
    checksum: str | None = None


#: This worker process's replica of each engine. A job loads its model into it (replacing the
#: model's classes) unless it already holds that model; run one job at a time per worker.
_replicas: dict[str, Replica] = {}
_replicas_lock = threading.Lock()


class ReplicaServers(WorkerPlugin):
    """Stops a worker process's replica servers when the worker closes."""

    name = "coman-replicas"

    def teardown(self, worker: Worker) -> None:
        if worker.status == Status.running:
            return  # the plugin registered again (by the next job): the replicas stay
        with _replicas_lock:
            for replica in _replicas.values():
                replica.store.close()
                replica.server.stop()
            _replicas.clear()


def _replica_folder(worker: Worker, engine: str) -> Path:
    """The folder of the worker's replica server: named after the worker, which keeps its name
    when its nanny restarts it, so a killed worker's server is found and used again."""
    name = re.sub(r"[^\w.-]", "_", str(worker.name))
    return Path(worker.local_directory).parent / "coman-replicas" / f"{name}-{engine}"


def _replica(model: Model, engine: str) -> GraphStore:
    """This worker process's replica of the ``engine``, holding ``model``: started, and the
    model loaded, when needed."""
    checksum = model["header"]["checksum"]
    with _replicas_lock:
        replica = _replicas.get(engine)
        if replica is None:
            server = local_server(engine, _replica_folder(get_worker(), engine), heap=REPLICA_HEAP)
            server.start()
            replica = _replicas[engine] = Replica(server, open_store(server.config()))
        if replica.checksum != checksum:
            import_model(replica.store, model)
            replica.checksum = checksum
        return replica.store


def ensure_replica(model: Model, engine: str) -> float:
    """Worker: start and load this process's replica of ``model`` if it has none; the seconds
    that took (0 when it was ready)."""
    began = time.perf_counter()
    _replica(model, engine)
    return time.perf_counter() - began


def prepare_replicas(client: Client, model: Any, engine: str) -> dict[str, float]:
    """Make every worker's replica of ``model`` (a future of it) ready, all at once; the
    seconds each worker took, by worker address."""
    client.register_plugin(ReplicaServers())
    workers = list(client.scheduler_info()["workers"])
    futures = [
        client.submit(
            ensure_replica, model, engine, workers=[address], allow_other_workers=True, pure=False
        )
        for address in workers
    ]
    return dict(zip(workers, client.gather(futures), strict=True))


def classify_on_replica(
    model: Model, engine: str, jobs: list[SenseJob], classes: list[int], rules: list[str]
) -> tuple[list[Sensed], dict[str, list[Decision]]]:
    """Worker: sense ``jobs``, write them into the replica, classify them by each rule."""
    store = _replica(model, engine)
    sensed = sense_jobs(jobs)
    rows = [row for _, row, _ in sensed if row is not None]
    if rows:
        write_rows(store, rows)
    ids = [spec.sample_id for spec, row, _ in sensed if row is not None]
    decisions = {rule: classify(store, ids, tuple(classes), rule, workers=1) for rule in rules}
    return sensed, decisions


def classify_on_cluster(
    client: Client,
    store: GraphStore,
    jobs: list[SenseJob],
    classes: tuple[int, ...],
    rules: list[str],
    engine: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = CLASSIFY_BATCH,
) -> tuple[list[Sensed], dict[str, list[Decision]]]:
    """Sense and classify ``jobs`` on the workers' replicas of the model of ``classes``.

    The model is exported from ``store`` once and sent to every worker; each worker serves
    it from a local ``engine`` server; tasks take ``batch_size`` images. The sensed samples
    are written to ``store`` (the primary) as their batches come back. Returns what sensing
    gave for each job and, for each rule, the decisions in the order of ``jobs`` (samples
    that could not be sensed have none).
    """
    model = client.scatter(export_model(store, classes), broadcast=True)
    prepare_replicas(client, model, engine)
    batches = [jobs[i : i + batch_size] for i in range(0, len(jobs), batch_size)]
    futures = [
        client.submit(classify_on_replica, model, engine, batch, list(classes), rules, pure=False)
        for batch in batches
    ]
    sensed: dict[str, Sensed] = {}
    found: dict[str, dict[str, Decision]] = {rule: {} for rule in rules}
    for batch_sensed, batch_decisions in _as_completed_results(client, futures):
        rows = [row for _, row, _ in batch_sensed if row is not None]
        if rows:
            write_rows(store, rows)
        for result in batch_sensed:
            sensed[result[0].sample_id] = result
        for rule, decisions in batch_decisions.items():
            found[rule].update((d.sample_id, d) for d in decisions)
        if on_progress:
            on_progress(len(batch_sensed))
    order = [job.spec.sample_id for job in jobs]
    return (
        [sensed[sid] for sid in order],
        {rule: [found[rule][sid] for sid in order if sid in found[rule]] for rule in rules},
    )
