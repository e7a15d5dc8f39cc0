"""The same jobs on a real local Dask cluster: a scheduler and two worker processes (each
under its nanny) on 127.0.0.1, started by the test module in a temporary folder.

Sensing on the workers stores what sensing here stores; classification on the workers' model
replicas decides as the primary does; a worker killed with SIGKILL in the middle of either job
costs no sample and no decision; an unreachable scheduler is one line and exit 3; views,
which the replicas do not classify through, are refused before any work (exit 4).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator

import pytest
from cli_helpers import cli_env, run_cli
from test_ingest import assert_stored_exactly, sensed

from coman_graph.cluster import classify_on_cluster, cluster_senser
from coman_graph.datasets import protocols
from coman_graph.datasets.selection import specs_for
from coman_graph.errors import BAD_INPUT
from coman_graph.graphstore.servers import stop_servers_under
from coman_graph.graphstore.servers.base import free_ports
from coman_graph.inference import DEFAULT_RULE, classify
from coman_graph.ingest import Senser, ingest, jobs_for
from coman_graph.model_file import export_model

#: The engine of the workers' replicas: ArcadeDB starts in seconds, which keeps the suite short.
REPLICA_ENGINE = "arcadedb"
#: Test images sensed on the cluster (not used by other modules).
INGEST_INDICES = list(range(9300, 9460))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from distributed import Client, LocalCluster

    folder = tmp_path_factory.mktemp("dask")
    local = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        local_directory=str(folder),
    )
    client = Client(local)
    yield client
    client.close()
    local.close()
    stop_servers_under(folder)


def kill_a_busy_worker(client) -> int:
    """SIGKILL a worker that has tasks assigned; return its pid (its nanny starts another)."""
    busy = [address for address, tasks in client.processing().items() if tasks]
    assert busy, "no worker had tasks left to lose"
    pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
    os.kill(pid, signal.SIGKILL)
    return pid


def killing_after_first(senser: Senser, kill: Callable[[], int]) -> tuple[Senser, list[int]]:
    """``senser``, killing a worker as soon as the first result arrives."""
    killed: list[int] = []

    def sensed(jobs) -> Iterator:
        for result in senser(jobs):
            if not killed:
                killed.append(kill())
            yield result

    return sensed, killed


def test_a_worker_killed_during_a_distributed_ingest_loses_no_sample(store, cluster, mnist_test):
    specs = specs_for(mnist_test, INGEST_INDICES)
    senser, killed = killing_after_first(
        cluster_senser(cluster), lambda: kill_a_busy_worker(cluster)
    )
    summary = ingest(store, specs, senser=senser)
    assert killed
    assert not summary.failed and summary.written + summary.skipped == len(specs)
    # what the workers sensed and this process wrote is what sensing here makes
    assert_stored_exactly(store, sensed(specs))
    again = ingest(store, specs, senser=cluster_senser(cluster))
    assert again.written == 0 and again.skipped == len(specs)


def test_a_worker_killed_during_a_distributed_classification_loses_no_decision(
    store, cluster, small_run, small_protocol, mnist_test
):
    specs = protocols.test_specs(small_protocol, mnist_test, 60)
    ids = [spec.sample_id for spec in specs]
    local = {d.sample_id: d for d in classify(store, ids, small_protocol.classes)}
    killed: list[int] = []

    def on_progress(_: int) -> None:
        if not killed:
            killed.append(kill_a_busy_worker(cluster))

    sensed, decisions = classify_on_cluster(
        cluster,
        store,
        jobs_for(specs),
        small_protocol.classes,
        [DEFAULT_RULE],
        REPLICA_ENGINE,
        on_progress=on_progress,
        batch_size=6,
    )
    assert killed
    assert [result[0].sample_id for result in sensed] == ids
    found = decisions[DEFAULT_RULE]
    assert [d.sample_id for d in found] == [sid for sid in ids if sid in local] == ids
    for decision in found:
        expected = local[decision.sample_id]
        assert decision.winner == expected.winner, decision.sample_id
        for digit, activation in expected.neuron_activations().items():
            assert decision.neuron_activations()[digit] == pytest.approx(activation, abs=1e-9)


def winners_of(store, run_id: str) -> dict[str, int]:
    rows = store.execute(
        "MATCH (s:Sample)-[c:CLASSIFIED {run_id: $run, winner: true}]->(n:DetectorNeuron) "
        "RETURN s.sample_id AS sample_id, n.class AS class",
        run=run_id,
    )
    return {r["sample_id"]: r["class"] for r in rows}


def test_evaluate_on_the_cluster_decides_as_the_local_run(
    store, embedded_server, cluster, small_protocol, small_run
):
    # the small protocol's own training again (the classes keep the same concepts for the
    # modules after this one), on the first 40 of its test images
    classes = ",".join(str(c) for c in small_protocol.classes)
    args = ["evaluate", "--protocol", "P6", "--classes", classes]
    args += ["--k", str(small_protocol.per_class), "--augment", str(small_protocol.augment)]
    args += ["--seed", str(small_run.params["seed"]), "--limit", "40"]
    args += ["--scheduler", cluster.scheduler.address]
    done = run_cli(args, cli_env(embedded_server, COMAN_ENGINE=REPLICA_ENGINE), timeout=600)
    assert done.returncode == 0, done.stderr
    prefix = f"P6-k{small_protocol.per_class}-s{small_run.params['seed']}-"
    run_id = next(line.split(":")[0] for line in done.stdout.splitlines() if prefix in line)
    on_cluster = winners_of(store, run_id)
    local = winners_of(store, small_run.run_id)
    assert len(on_cluster) == 40
    assert on_cluster == {sid: local[sid] for sid in on_cluster}


def test_views_on_the_cluster_are_refused_before_any_work(
    store, embedded_server, cluster, small_protocol
):
    runs = "MATCH (r:Run) RETURN count(r) AS n"
    before = store.execute(runs)[0]["n"]
    classes = ",".join(str(c) for c in small_protocol.classes)
    args = ["evaluate", "--protocol", "P6", "--classes", classes, "--limit", "40"]
    args += ["--views", "2", "--scheduler", cluster.scheduler.address]
    done = run_cli(args, cli_env(embedded_server, COMAN_ENGINE=REPLICA_ENGINE), timeout=600)
    assert done.returncode == BAD_INPUT, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "views 2" in line and "cluster" in line
    assert store.execute(runs)[0]["n"] == before


def test_an_unreachable_scheduler_is_one_line_and_exit_3():
    (port,) = free_ports(1)
    address = f"tcp://127.0.0.1:{port}"
    done = run_cli(
        ["ingest", "--split", "test", "--indices", "0", "--scheduler", address],
        {**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and address in lines[0] and "unreachable" in lines[0], lines


def replica_checksums(client) -> set[str | None]:
    from coman_graph import cluster

    held = client.run(lambda: {e: r.checksum for e, r in cluster._replicas.items()})
    return {checksums.get(REPLICA_ENGINE) for checksums in held.values()}


def test_a_replica_holds_the_model_of_the_job_it_serves(store, cluster, small_run, mnist_test):
    classes = small_run.protocol.classes
    specs = protocols.test_specs(small_run.protocol, mnist_test, 12)
    ids = [spec.sample_id for spec in specs]
    for chosen in (classes, classes[:2], classes):
        model = export_model(store, chosen)
        _, decisions = classify_on_cluster(
            cluster, store, jobs_for(specs), chosen, [DEFAULT_RULE], REPLICA_ENGINE, batch_size=6
        )
        assert replica_checksums(cluster) == {model["header"]["checksum"]}
        local = {d.sample_id: d.winner for d in classify(store, ids, chosen)}
        assert {d.sample_id: d.winner for d in decisions[DEFAULT_RULE]} == local
