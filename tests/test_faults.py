"""Faults on the session's real server: the server killed (SIGKILL) during ingest, training and
classification, Ctrl-C during training, two trainings of one class at once, and an activation
that fails half-way. Each fault ends in one line and a documented exit code, loses nothing
already stored, and a re-run ends exactly where an uninterrupted run ends.

Shares the server with other modules, so it uses data of its own: MNIST *test* images
8000-8099 (and their augmentations, seed 81) for ingest, classes 5 and 6 (train images
drawn with seed 51, test images of those classes) for training and classification. A test
that kills the server restarts it (same data folder) and points the session's store at it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from cli_helpers import cli_env, run_cli, start_cli
from test_ingest import assert_stored_exactly, forget, sensed
from test_learning import concepts_of, delete_training, training_snapshot

from coman_graph.datasets.protocols import Protocol, absorption_order, training_specs
from coman_graph.datasets.selection import specs_for
from coman_graph.errors import INTERRUPTED, UNREACHABLE
from coman_graph.graphstore.connection import connect
from coman_graph.ingest import ingest
from coman_graph.learning import (
    ACTIVE,
    TrainingConfig,
    new_model_version,
    train_class,
    training_id,
)

#: A fault must be reported within this many seconds.
FAULT_DEADLINE = 15.0
CLASSES = (5, 6)
SEED = 51
#: 3 unique train images per class x (1 + 5 augmentations): 18 absorption steps per class.
PROTOCOL = Protocol("faults", CLASSES, 3, 5)
TRAIN_ARGS = ["train", "--classes", "5,6", "--per-class", "3", "--augment", "5"]
TRAIN_ARGS += ["--seed", str(SEED), "--workers", "1"]
#: Another training of the same classes, interrupted by Ctrl-C: 4 x (1 + 7) = 32 steps each.
CTRL_C_PROTOCOL = Protocol("ctrl-c", CLASSES, 4, 7)
CTRL_C_CONFIG = TrainingConfig(0.4)
CTRL_C_ARGS = ["train", "--classes", "5,6", "--per-class", "4", "--augment", "7"]
CTRL_C_ARGS += ["--seed", str(SEED), "--workers", "1", "--compartment-loss", "0.4"]
#: Test images of classes 5 and 6 classified by the evaluate runs below.
TEST_LIMIT = 200
EVALUATE_ARGS = ["evaluate", "--protocol", "P6", "--classes", "5,6", "--k", "3"]
EVALUATE_ARGS += ["--augment", "5", "--seed", str(SEED), "--limit", str(TEST_LIMIT)]
EVALUATE_ARGS += ["--workers", "2"]


# -- helpers -------------------------------------------------------------------------------


@pytest.fixture
def server_killer(embedded_server, store) -> Iterator[Callable[[], None]]:
    """``kill()`` SIGKILLs the session's server; afterwards it runs again for the next test,
    in the same data folder, and the session's store talks to it."""
    yield lambda: os.kill(embedded_server.status().pid, signal.SIGKILL)
    revive(embedded_server, store)


def revive(server, store) -> None:
    """Start ``server`` if it is down and point ``store`` at it (its ports may be new)."""
    server.start()
    config = server.config()
    if config.uri != store.config.uri:
        fresh = connect(config)
        store.driver.close()
        store.driver, store.config = fresh.driver, fresh.config


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    """Poll ``condition`` until it holds; fail if ``process`` ends first."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the command ended ({process.returncode}) before {what}: {err}{out}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"timed out waiting for {what}")


def ends_in_one_line(process: subprocess.Popen, code: int, since: float) -> str:
    """Wait for ``process``; assert it exits with ``code`` within the deadline, one line on
    stderr; return that line."""
    try:
        _, err = process.communicate(timeout=FAULT_DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"no exit within {FAULT_DEADLINE} s of the fault")
    took = time.monotonic() - since
    assert process.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert took < FAULT_DEADLINE, took
    return lines[0]


def active_trainings(store, digit: int) -> set[str]:
    rows = store.execute(
        "MATCH (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {status: $s}) "
        "RETURN DISTINCT c.training AS training",
        **{"class": digit},
        s=ACTIVE,
    )
    return {r["training"] for r in rows}


def absorbed(store, training: str) -> int:
    return store.execute(
        "MATCH (c:Concept {training: $training})-[a:ABSORBED]->() RETURN count(a) AS n",
        training=training,
    )[0]["n"]


def assert_consistent(store, training: str) -> None:
    """No absorption step of ``training`` is half-written: every concept's counter matches its
    ABSORBED trace, each sample is absorbed once, and no correspondence outlives its step."""
    rows = store.execute(
        "MATCH (c:Concept {training: $training}) "
        "OPTIONAL MATCH (c)-[a:ABSORBED]->(s:Sample) "
        "WITH c, collect(a.step) AS steps, collect(s.sample_id) AS samples "
        "OPTIONAL MATCH (c)-[:HAS_UNIT]->(:ConceptUnit)-[m:CORRESPONDS]->() "
        "WHERE m.step > c.examples_seen "
        "RETURN c.examples_seen AS seen, steps, samples, count(m) AS dangling",
        training=training,
    )
    everything = [sid for row in rows for sid in row["samples"]]
    assert len(everything) == len(set(everything)), "a sample absorbed twice"
    for row in rows:
        assert sorted(row["steps"]) == list(range(1, row["seen"] + 1)), row
        assert row["dangling"] == 0, row


def training_ids(store, mnist_train, protocol: Protocol, config: TrainingConfig) -> dict[int, str]:
    """The training id of each class of ``protocol`` at SEED (its samples, ingested now if
    missing, that could be sensed, in absorption order)."""
    specs = training_specs(protocol, mnist_train, SEED)
    ingest(store, specs, workers=2)
    ids = {}
    for digit in CLASSES:
        order = absorption_order(specs, digit, SEED)
        stored = {r["sample_id"] for r in store.run("ingest/existing-samples", ids=order)}
        ids[digit] = training_id(digit, [s for s in order if s in stored], config)
    return ids


def decisions_of_run(store, run_id: str) -> dict[str, tuple[int, float]]:
    rows = store.execute(
        "MATCH (s:Sample)-[c:CLASSIFIED {run_id: $run_id, winner: true}]->(n:DetectorNeuron) "
        "RETURN s.sample_id AS sample_id, n.class AS winner, c.activation AS activation",
        run_id=run_id,
    )
    return {r["sample_id"]: (r["winner"], r["activation"]) for r in rows}


def run_id_of(stdout: str) -> str:
    for word in stdout.split():
        if word.startswith("P6-k3-s51-"):
            return word.rstrip(":")
    pytest.fail(f"no run id in {stdout}")


@pytest.fixture(scope="module")
def trained_once(store, embedded_server, mnist_train) -> dict[int, dict]:
    """Classes 5 and 6 trained by the CLI without interruption: each class's training
    snapshot (the reference every interrupted run must reproduce)."""
    result = run_cli(TRAIN_ARGS, cli_env(embedded_server), timeout=600)
    assert result.returncode == 0, result.stderr
    ids = training_ids(store, mnist_train, PROTOCOL, TrainingConfig())
    assert {d: active_trainings(store, d) for d in CLASSES} == {d: {ids[d]} for d in CLASSES}
    return {d: {"training": ids[d], "snapshot": training_snapshot(store, ids[d])} for d in CLASSES}


def reference_active(store, embedded_server, trained_once) -> None:
    """Make the reference trainings the active ones again (a re-run of the same command)."""
    wanted = {d: {r["training"]} for d, r in trained_once.items()}
    if {d: active_trainings(store, d) for d in CLASSES} != wanted:
        result = run_cli(TRAIN_ARGS, cli_env(embedded_server), timeout=600)
        assert result.returncode == 0, result.stderr
    assert {d: active_trainings(store, d) for d in CLASSES} == wanted


# -- the server killed ---------------------------------------------------------------------


def test_server_killed_during_ingest(store, embedded_server, mnist_test, server_killer):
    # 100 images x (original + 5 augmentations) = 600 samples: write batches of <= 250
    specs = specs_for(mnist_test, list(range(8000, 8100)), 5, 81)
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    graphs = sensed(specs)
    args = ["ingest", "--split", "test", "--indices", "8000-8099", "--augment", "5"]
    args += ["--seed", "81", "--workers", "1"]
    count = "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) RETURN count(s) AS n"

    process = start_cli(args, cli_env(embedded_server))
    wait_for(lambda: store.execute(count, ids=ids)[0]["n"] > 0, process, "the first batch")
    server_killer()
    killed = time.monotonic()
    line = ends_in_one_line(process, UNREACHABLE, killed)
    assert "graph server" in line and "ingest/write-samples" in line, line

    revive(embedded_server, store)
    at_kill = store.execute(count, ids=ids)[0]["n"]
    assert 0 < at_kill < len(ids) and at_kill % 250 == 0, at_kill  # whole batches only
    again = run_cli(args, cli_env(embedded_server))
    assert again.returncode == 0, again.stderr
    assert_stored_exactly(store, graphs)


def test_server_killed_during_training(store, embedded_server, trained_once, server_killer):
    training = trained_once[CLASSES[0]]["training"]
    for reference in trained_once.values():
        delete_training(store, reference["training"])

    process = start_cli(TRAIN_ARGS, cli_env(embedded_server))
    wait_for(lambda: absorbed(store, training) >= 4, process, "four absorption steps")
    server_killer()
    killed = time.monotonic()
    line = ends_in_one_line(process, UNREACHABLE, killed)
    assert "graph server" in line, line

    revive(embedded_server, store)
    partial = absorbed(store, training)
    assert 4 <= partial < 18, partial
    assert_consistent(store, training)
    assert all(c["status"] == "training" for c in concepts_of(store, training))

    again = run_cli(TRAIN_ARGS, cli_env(embedded_server), timeout=600)
    assert again.returncode == 0, again.stderr
    for d, reference in trained_once.items():
        assert active_trainings(store, d) == {reference["training"]}
        assert training_snapshot(store, reference["training"]) == reference["snapshot"]


def test_server_killed_during_classification(
    store, embedded_server, trained_once, server_killer, tmp_path
):
    # the Cypher kernel: the procedures classify the run's images faster than a kill can land
    env = cli_env(embedded_server, COMAN_KERNEL="cypher")
    args = [*EVALUATE_ARGS, "--out", str(tmp_path)]
    first = run_cli(args, env, timeout=600)
    assert first.returncode == 0, first.stderr
    uninterrupted = decisions_of_run(store, run_id_of(first.stdout))
    assert len(uninterrupted) == TEST_LIMIT
    # deactivate the concepts: the next run finds every sample absorbed, activates them again,
    # and that activation marks the moment its classification begins
    store.execute(
        "MATCH (c:Concept) WHERE c.training IN $trainings SET c.status = 'training'",
        trainings=[r["training"] for r in trained_once.values()],
    )
    runs = store.execute("MATCH (r:Run) RETURN count(r) AS n")[0]["n"]

    process = start_cli(args, env)
    trainings = {d: {r["training"]} for d, r in trained_once.items()}
    wait_for(
        lambda: {d: active_trainings(store, d) for d in CLASSES} == trainings,
        process,
        "the classes were trained",
    )
    server_killer()
    killed = time.monotonic()
    line = ends_in_one_line(process, UNREACHABLE, killed)
    assert "infer/activate" in line, line  # it was classifying

    revive(embedded_server, store)
    assert store.execute("MATCH (r:Run) RETURN count(r) AS n")[0]["n"] == runs  # none recorded
    again = run_cli(args, cli_env(embedded_server, COMAN_KERNEL="cypher"), timeout=600)
    assert again.returncode == 0, again.stderr
    assert decisions_of_run(store, run_id_of(again.stdout)) == uninterrupted


# -- Ctrl-C, concurrency, atomic activation ------------------------------------------------


def test_ctrl_c_during_training_exits_130_and_activates_nothing_half(
    store, embedded_server, mnist_train, trained_once
):
    new = training_ids(store, mnist_train, CTRL_C_PROTOCOL, CTRL_C_CONFIG)
    old = {d: r["training"] for d, r in trained_once.items()}
    reference_active(store, embedded_server, trained_once)
    for training in new.values():
        delete_training(store, training)

    first, second = CLASSES
    process = start_cli(CTRL_C_ARGS, cli_env(embedded_server))
    wait_for(
        lambda: active_trainings(store, first) == {new[first]} and absorbed(store, new[second]),
        process,
        f"class {first} was trained and class {second} begun",
    )
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    interrupted = time.monotonic()
    line = ends_in_one_line(process, INTERRUPTED, interrupted)
    assert "interrupted" in line, line

    # class 5 is wholly the new training; class 6 wholly the old one, the new one not active
    assert active_trainings(store, first) == {new[first]}
    assert active_trainings(store, second) == {old[second]}
    assert training_snapshot(store, old[second]) == trained_once[second]["snapshot"]
    assert all(c["status"] == "training" for c in concepts_of(store, new[second]))
    assert_consistent(store, new[second])

    again = run_cli(CTRL_C_ARGS, cli_env(embedded_server), timeout=600)
    assert again.returncode == 0, again.stderr
    assert {d: active_trainings(store, d) for d in CLASSES} == {d: {new[d]} for d in CLASSES}
    assert not concepts_of(store, old[second])


def test_two_trainings_of_one_class_at_once_absorb_each_sample_once(
    store, embedded_server, mnist_train, trained_once
):
    digit = CLASSES[1]
    reference = trained_once[digit]
    order = absorption_order(training_specs(PROTOCOL, mnist_train, SEED), digit, SEED)
    ingest(store, training_specs(PROTOCOL, mnist_train, SEED), workers=1)
    delete_training(store, reference["training"])
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        with connect(embedded_server.config()) as own:
            barrier.wait(timeout=30)
            try:
                results[name] = train_class(own, digit, order)
            except Exception as exc:  # reported below
                results[name] = exc

    threads = [threading.Thread(target=run, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    a, b = results["a"], results["b"]
    assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
    # together they absorbed every sample once; each skipped what the other absorbed
    assert a.steps + b.steps == len(order)
    assert a.steps + a.skipped == len(order) == b.steps + b.skipped
    assert_consistent(store, reference["training"])
    assert training_snapshot(store, reference["training"]) == reference["snapshot"]
    assert active_trainings(store, digit) == {reference["training"]}


def test_a_failed_activation_changes_nothing(store, trained_once):
    digit = CLASSES[0]
    before = {d: active_trainings(store, d) for d in CLASSES}
    snapshots = {t: training_snapshot(store, t) for ts in before.values() for t in ts}

    class Failure(Exception):
        pass

    def activate_then_fail(tx) -> None:
        # the activation of a training that has no concepts deletes every active concept of
        # the class; then the transaction fails before it commits
        tx.run(
            "train/activate-class",
            **{"class": digit},
            training="no-such-training",
            model_version=new_model_version(),
        )
        (active,) = before[digit]
        assert not tx.run("train/training-state", **{"class": digit}, training=active)
        raise Failure

    with pytest.raises(Failure):
        store.transaction(activate_then_fail)
    assert {d: active_trainings(store, d) for d in CLASSES} == before
    assert {t: training_snapshot(store, t) for t in snapshots} == snapshots
