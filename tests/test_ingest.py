"""Ingest against the session's real embedded server: exact content, idempotency, resume,
concurrency, augmentation, bad input and the audit queries.

Other modules share the server and its database, so this module only touches samples of
its own: MNIST *test* images 9000-9199 and their augmentations with seeds 91-93. Every
test first forgets the samples it is about to write and then counts only those.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest
from cli_helpers import CLI, cli_env, run_cli

import coman_graph.ingest as ingest_module
from coman_graph.datasets.mnist import load_split
from coman_graph.datasets.selection import SampleSpec, content_hash, specs_for
from coman_graph.graphstore.connection import connect
from coman_graph.ingest import ingest
from coman_graph.sensing import SENSING_VERSION, SensingError
from coman_graph.sensing.pipeline import sense
from coman_graph.sensing.structural_graph import UNIT_KINDS, StructuralGraph

RELS = ("HAS_UNIT", "BOUNDED_BY", "INTERCONNECTS")


# -- helpers -------------------------------------------------------------------------------


def _sense_one(spec: SampleSpec) -> tuple[str, StructuralGraph | str]:
    from coman_graph.datasets.mnist import load_split

    try:
        return spec.sample_id, sense(spec.image(load_split(spec.split)), seed=0, method="gng")
    except SensingError as exc:
        return spec.sample_id, str(exc)


def sensed(specs: list[SampleSpec]) -> dict[str, StructuralGraph | str]:
    """What sensing makes of each spec (independently of ingest): a graph or a reason."""
    if len(specs) < 50:
        return dict(map(_sense_one, specs))
    with ProcessPoolExecutor(2) as pool:
        return dict(pool.map(_sense_one, specs, chunksize=25))


def expected_counts(graph: StructuralGraph) -> dict[str, int]:
    kinds = Counter(u.kind for u in graph.units)
    return {
        "Sample": 1,
        "Unit": len(graph.units),
        **{kind: kinds[kind] for kind in UNIT_KINDS},
        "HAS_UNIT": len(graph.units),
        "BOUNDED_BY": sum(len(u.ends) for u in graph.units if u.ends),
        "INTERCONNECTS": len(graph.interconnections),
    }


def expected_totals(graphs: dict[str, StructuralGraph | str]) -> dict[str, int]:
    total: Counter[str] = Counter({k: 0 for k in ("Sample", "Unit", *UNIT_KINDS, *RELS)})
    for graph in graphs.values():
        if isinstance(graph, StructuralGraph):
            total.update(expected_counts(graph))
    return dict(total)


def stored_totals(store, ids: list[str]) -> dict[str, int]:
    """Nodes per label and relationships per type belonging to the samples ``ids``.

    Each figure is counted on its own (units by their sample_id property, not through
    HAS_UNIT), so a duplicate or an orphan would show.
    """
    totals = {
        "Sample": store.execute(
            "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) RETURN count(s) AS n", ids=ids
        )[0]["n"]
    }
    for label in ("Unit", *UNIT_KINDS):
        totals[label] = store.execute(
            f"UNWIND $ids AS id MATCH (u:{label} {{sample_id: id}}) RETURN count(u) AS n", ids=ids
        )[0]["n"]
    totals["HAS_UNIT"] = store.execute(
        "UNWIND $ids AS id MATCH (:Sample {sample_id: id})-[r:HAS_UNIT]->() RETURN count(r) AS n",
        ids=ids,
    )[0]["n"]
    for rel in ("BOUNDED_BY", "INTERCONNECTS"):
        totals[rel] = store.execute(
            f"UNWIND $ids AS id MATCH (:Unit {{sample_id: id}})-[r:{rel}]->() RETURN count(r) AS n",
            ids=ids,
        )[0]["n"]
    return totals


def stored_per_sample(store, ids: list[str]) -> dict[str, dict]:
    """For each stored sample: its counts by kind label and relationship, and n_units/n_links."""
    rows = store.execute(
        """
        UNWIND $ids AS id
        MATCH (s:Sample {sample_id: id})
        CALL (s) {
          OPTIONAL MATCH (s)-[:HAS_UNIT]->(u:Unit)
          RETURN count(u) AS units, collect([l IN labels(u) WHERE l <> 'Unit']) AS kinds,
                 collect(u.kind) AS kind_props, collect(u.sample_id) AS owners
        }
        CALL (s) {
          OPTIONAL MATCH (s)-[:HAS_UNIT]->(:Unit)-[b:BOUNDED_BY]->(p:Unit)
          RETURN count(b) AS bounded, collect(p.sample_id) AS bound_owners
        }
        CALL (s) {
          OPTIONAL MATCH (s)-[:HAS_UNIT]->(:Unit)-[r:INTERCONNECTS]->(v:Unit)
          RETURN count(r) AS links, collect(v.sample_id) AS link_owners
        }
        RETURN s.sample_id AS sample_id, s.n_units AS n_units, s.n_links AS n_links,
               units, kinds, kind_props, owners, bounded, bound_owners, links, link_owners
        """,
        ids=ids,
    )
    out = {}
    for row in rows:
        sid = row["sample_id"]
        # every unit, point bounding a segment and interconnected unit belongs to this sample
        assert set(row["owners"] + row["bound_owners"] + row["link_owners"]) <= {sid}, sid
        assert all(len(k) == 1 for k in row["kinds"]), (sid, row["kinds"])
        assert [k[0] for k in row["kinds"]] == row["kind_props"], sid
        kinds = Counter(k[0] for k in row["kinds"])
        out[sid] = {
            "counts": {
                "Sample": 1,
                "Unit": row["units"],
                **{kind: kinds[kind] for kind in UNIT_KINDS},
                "HAS_UNIT": row["units"],
                "BOUNDED_BY": row["bounded"],
                "INTERCONNECTS": row["links"],
            },
            "n_units": row["n_units"],
            "n_links": row["n_links"],
        }
    return out


def assert_complete(per_sample: dict[str, dict]) -> None:
    """No sample is half-written: each holds the units and links its own record announces."""
    for sid, got in per_sample.items():
        assert got["counts"]["Unit"] == got["n_units"], sid
        assert got["counts"]["INTERCONNECTS"] == got["n_links"], sid


def assert_stored_exactly(store, graphs: dict[str, StructuralGraph | str]) -> None:
    """The store holds, for these ids, exactly what sensing made: sample by sample and in total."""
    ids = list(graphs)
    per_sample = stored_per_sample(store, ids)
    good = {sid: g for sid, g in graphs.items() if isinstance(g, StructuralGraph)}
    assert set(per_sample) == set(good)
    for sid, graph in good.items():
        assert per_sample[sid]["counts"] == expected_counts(graph), sid
    assert_complete(per_sample)
    assert stored_totals(store, ids) == expected_totals(graphs)


def forget(store, ids: list[str]) -> None:
    """Delete these samples and their units (they belong to this module only)."""
    store.execute("UNWIND $ids AS id MATCH (u:Unit {sample_id: id}) DETACH DELETE u", ids=ids)
    store.execute("UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) DETACH DELETE s", ids=ids)
    assert stored_totals(store, ids)["Sample"] == 0


def summary_numbers(stdout: str) -> tuple[int, int, int]:
    match = re.search(r"samples written: (\d+), already present: (\d+), failed: (\d+)", stdout)
    assert match, stdout
    return tuple(int(n) for n in match.groups())  # type: ignore[return-value]


def _concurrent_ingests(config, specs_a, specs_b, batch_size):
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(name: str, specs: list[SampleSpec]) -> None:
        with connect(config) as own:
            barrier.wait(timeout=30)
            try:
                results[name] = ingest(own, specs, workers=1, batch_size=batch_size)
            except Exception as exc:  # reported by the caller's assertions
                results[name] = exc

    threads = [
        threading.Thread(target=run, args=("a", specs_a)),
        threading.Thread(target=run, args=("b", specs_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results["a"], results["b"]


# -- tests ---------------------------------------------------------------------------------


def test_ingest_writes_exactly_the_sensed_graphs_and_is_idempotent(store, mnist_test):
    specs = specs_for(mnist_test, list(range(9000, 9100)))
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    graphs = sensed(specs)
    assert all(isinstance(g, StructuralGraph) for g in graphs.values())

    first = ingest(store, specs, workers=2, batch_size=40)
    assert (first.written, first.skipped, first.failed) == (100, 0, [])
    assert_stored_exactly(store, graphs)
    totals = stored_totals(store, ids)
    assert totals["Sample"] == 100 and totals["Unit"] > 100 * 4 and totals["BOUNDED_BY"] > 0

    # sample properties as sensed
    rows = store.execute(
        "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) RETURN s {.*} AS s", ids=ids
    )
    for row in rows:
        s = row["s"]
        graph = graphs[s["sample_id"]]
        assert (s["split"], s["dataset"], s["augmentation"]) == ("test", "mnist", 0)
        assert s["label"] == int(mnist_test.labels[s["index"]])
        assert s["content_hash"] == content_hash(mnist_test.images[s["index"]])
        assert (s["loops"], s["closed"], s["threshold"]) == (
            graph.loops,
            graph.closed,
            graph.threshold,
        )
        assert s["sensing_version"] == SENSING_VERSION

    # idempotent: the same ingest again writes nothing and changes no count
    progress: list[int] = []
    again = ingest(store, specs, workers=2, batch_size=40, on_progress=progress.append)
    assert (again.written, again.skipped, again.failed) == (0, 100, [])
    assert sum(progress) == len(specs)
    assert stored_totals(store, ids) == totals


def test_relationships_join_the_sensed_units(store, mnist_test):
    """Each BOUNDED_BY and INTERCONNECTS joins the units sensing named, key by key."""
    specs = specs_for(mnist_test, list(range(9100, 9140)))
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    graphs = sensed(specs)
    assert ingest(store, specs, workers=1, batch_size=15).written == len(specs)
    rows = store.execute(
        "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) "
        "CALL (s) { MATCH (s)-[:HAS_UNIT]->(a:Unit)-[:BOUNDED_BY]->(b:Unit) "
        "  RETURN collect([a.key, b.key]) AS bounds } "
        "CALL (s) { MATCH (s)-[:HAS_UNIT]->(a:Unit)-[r:INTERCONNECTS]->(b:Unit) "
        "  RETURN collect([a.key, b.key, r.turn]) AS links } "
        "RETURN s.sample_id AS id, bounds, links",
        ids=ids,
    )
    assert len(rows) == len(specs)
    for row in rows:
        graph = graphs[row["id"]]
        assert sorted(map(tuple, row["bounds"])) == sorted(
            (u.key, end) for u in graph.units for end in u.ends or ()
        )
        assert sorted(map(tuple, row["links"])) == sorted(
            (link.source, link.target, list(link.params["turn"])) for link in graph.interconnections
        )


def _sense_with_the_skeleton(image, seed, method):
    return sense(image, seed=seed, method="skeleton")


def test_samples_of_an_older_sensing_version_are_sensed_again_and_replaced(
    store, mnist_test, monkeypatch
):
    specs = specs_for(mnist_test, list(range(9000, 9010)))
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    # an older sensing (here: the skeleton builder) stored these samples
    with monkeypatch.context() as old:
        old.setattr(ingest_module, "SENSING_VERSION", SENSING_VERSION - 1)
        old.setattr(ingest_module, "sense", _sense_with_the_skeleton)
        assert ingest(store, specs, workers=1).written == 10
    stale = {
        spec.sample_id: _sense_with_the_skeleton(spec.image(mnist_test), 0, "gng") for spec in specs
    }
    assert_stored_exactly(store, stale)
    run_id = f"test-resense-{uuid.uuid4().hex}"
    kept = store.execute(
        "MATCH (s:Sample {sample_id: $id}) MERGE (n:DetectorNeuron {class: s.label}) "
        "CREATE (s)-[c:CLASSIFIED {run_id: $run}]->(n) SET s.energy = 1.0 RETURN count(c) AS n",
        id=ids[0],
        run=run_id,
    )
    assert kept[0]["n"] == 1

    current = ingest(store, specs, workers=1, batch_size=4)
    assert (current.written, current.skipped, current.failed) == (10, 0, [])
    graphs = sensed(specs)
    assert graphs != stale
    assert_stored_exactly(store, graphs)
    rows = store.execute(
        "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) "
        "RETURN s.sensing_version AS version, s.energy AS energy, s.n_units AS units, "
        "COUNT { (s)-[:CLASSIFIED {run_id: $run}]->() } AS classified",
        ids=ids,
        run=run_id,
    )
    assert {r["version"] for r in rows} == {SENSING_VERSION}
    assert {r["energy"] for r in rows} == {None}  # derived from the old graph: gone
    assert sum(r["classified"] for r in rows) == 1  # the sample's own record: kept

    # idempotent, and an older sensing does not overwrite a newer one
    assert ingest(store, specs, workers=1).skipped == 10
    with monkeypatch.context() as old:
        old.setattr(ingest_module, "SENSING_VERSION", SENSING_VERSION - 1)
        old.setattr(ingest_module, "sense", _sense_with_the_skeleton)
        assert ingest(store, specs, workers=1).skipped == 10
    assert_stored_exactly(store, graphs)
    store.execute("MATCH ()-[c:CLASSIFIED {run_id: $run}]->() DELETE c", run=run_id)


def test_resume_after_kill(store, embedded_server, mnist_test):
    # 100 images x (original + 5 augmentations) = 600 samples: three write batches of <= 250
    specs = specs_for(mnist_test, list(range(9100, 9200)), 5, 92)
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    graphs = sensed(specs)
    good = sum(isinstance(g, StructuralGraph) for g in graphs.values())
    assert good > 500

    env = cli_env(embedded_server)
    args = ["ingest", "--split", "test", "--indices", "9100-9199", "--augment", "5"]
    args += ["--seed", "92", "--workers", "1"]
    process = subprocess.Popen(
        [*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    count_ids = "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) RETURN count(s) AS n"
    stored = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            stored = store.execute(count_ids, ids=ids)[0]["n"]
            if stored > 0:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    at_kill = store.execute(count_ids, ids=ids)[0]["n"]
    # killed half-way: some batches committed, not all, and none of them half-written
    assert 0 < at_kill < good
    assert at_kill % 250 == 0, at_kill
    assert_complete(stored_per_sample(store, ids))

    result = run_cli(args, env)
    assert result.returncode == 0, result.stderr
    written, present, failed = summary_numbers(result.stdout)
    assert present == at_kill
    assert written == good - at_kill
    assert failed == len(specs) - good
    assert_stored_exactly(store, graphs)


def test_concurrent_overlapping_ingests_store_each_sample_once(store, embedded_server, mnist_test):
    augmented = [s for s in specs_for(mnist_test, list(range(9000, 9200)), 1, 93) if s.augmentation]
    by_index = {s.index: s for s in augmented}
    overlap = [by_index[i] for i in range(9050, 9150)]
    # both start with the same 100 samples in the same order, so they race on the same ids
    specs_a = overlap + [by_index[i] for i in range(9000, 9050)]
    specs_b = overlap + [by_index[i] for i in range(9150, 9200)]
    ids = [s.sample_id for s in augmented]
    forget(store, ids)
    graphs = sensed(augmented)
    good = {sid for sid, g in graphs.items() if isinstance(g, StructuralGraph)}

    a, b = _concurrent_ingests(embedded_server.config(), specs_a, specs_b, batch_size=10)
    assert not isinstance(a, Exception), a
    assert not isinstance(b, Exception), b
    # nothing lost, nothing twice: every sensable sample was written by exactly one of them
    assert a.written + b.written == len(good)
    good_overlap = sum(s.sample_id in good for s in overlap)
    assert a.skipped + b.skipped == good_overlap
    assert {sid for sid, _ in a.failed + b.failed} == set(ids) - good
    assert_stored_exactly(store, graphs)


def test_concurrent_first_writes_into_a_fresh_database(engine, tmp_path, mnist_test):
    """Four writers send overlapping write-samples batches (as ingest does) at the same moment."""
    from coman_graph.graphstore.open import open_store
    from coman_graph.graphstore.servers import local_server
    from coman_graph.ingest import SenseJob, sense_jobs, write_scales

    specs = [s for s in specs_for(mnist_test, list(range(9000, 9010)), 1, 94) if s.augmentation]
    jobs = [SenseJob(s, mnist_test.images[s.index], "gng", 0) for s in specs]
    rows = [row for _, row, _ in sense_jobs(jobs) if row]
    graphs = sensed(specs)
    assert len(rows) == sum(isinstance(g, StructuralGraph) for g in graphs.values()) >= 8
    server = local_server(engine, tmp_path / "fresh-server", heap="512m")
    server.start()
    try:
        with open_store(server.config()) as fresh:
            write_scales(fresh)
            writers = [connect(server.config()) for _ in range(4)]
            barrier = threading.Barrier(len(writers))
            written: list[int] = []
            errors: list[str] = []

            def write(own, part: list[dict]) -> None:
                barrier.wait(timeout=30)
                try:
                    result = own.run("ingest/write-samples", samples=part, batch=uuid.uuid4().hex)
                    written.append(result[0]["written"])
                except Exception as exc:
                    errors.append(str(exc).splitlines()[0][:200])

            threads = [
                threading.Thread(target=write, args=(own, rows[2 * i : 2 * i + 4]))
                for i, own in enumerate(writers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            for own in writers:
                own.close()
            assert errors == []
            # overlapping batches: every sample written by exactly one writer
            assert sum(written) == len({row["props"]["sample_id"] for row in rows[: 2 * 3 + 4]})
            covered = {row["props"]["sample_id"] for row in rows[:10]}
            assert_stored_exactly(fresh, {sid: graphs[sid] for sid in covered})
    finally:
        server.stop()


def test_augment_stores_originals_and_distinct_augmentations(store, embedded_server, mnist_test):
    specs = specs_for(mnist_test, list(range(9180, 9185)), 2, 91)
    ids = [s.sample_id for s in specs]
    assert len(ids) == 15 and "mnist/test/9180/aug91-2" in ids
    forget(store, ids)
    graphs = sensed(specs)
    assert all(isinstance(g, StructuralGraph) for g in graphs.values())

    args = ["ingest", "--split", "test", "--indices", "9180-9184", "--augment", "2"]
    args += ["--seed", "91", "--workers", "1"]
    result = run_cli(args, cli_env(embedded_server))
    assert result.returncode == 0, result.stderr
    assert summary_numbers(result.stdout) == (15, 0, 0)
    rows = store.execute(
        "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) "
        "RETURN s.sample_id AS id, s.index AS index, s.label AS label, "
        "s.augmentation AS k, s.aug_seed AS seed, s.content_hash AS hash",
        ids=ids,
    )
    assert len(rows) == 15
    assert len({r["hash"] for r in rows}) == 15
    spec_of = {s.sample_id: s for s in specs}
    for row in rows:
        spec = spec_of[row["id"]]
        assert row["hash"] == content_hash(spec.image(mnist_test))
        assert (row["index"], row["label"], row["k"]) == (spec.index, spec.label, spec.augmentation)
        assert row["seed"] == (91 if spec.augmentation else 0)
    assert Counter(r["k"] for r in rows) == {0: 5, 1: 5, 2: 5}
    assert_stored_exactly(store, graphs)

    # the same seed reproduces the same samples: a second run only finds them present
    again = run_cli(args, cli_env(embedded_server))
    assert again.returncode == 0 and summary_numbers(again.stdout) == (0, 15, 0)


def test_progress_prints_a_line_per_phase_into_a_pipe(store, embedded_server):
    """Output to a pipe (a file, a CI log) gets the phase's start and end, no bar redraws."""
    specs = specs_for(load_split("test"), [9186, 9187, 9188])
    forget(store, [s.sample_id for s in specs])
    args = ["ingest", "--split", "test", "--indices", "9186-9188", "--workers", "1"]
    for written in (3, 0):
        result = run_cli(args, cli_env(embedded_server))
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "ingest test: started, 3 items", result.stdout
        assert re.fullmatch(r"ingest test: ended, 3 of 3 items in \d+\.\d s", lines[1]), lines
        assert summary_numbers(result.stdout) == (written, 3 - written, 0)
        assert "\r" not in result.stdout and "\x1b[" not in result.stdout


def test_unsensable_image_is_reported_by_the_cli(store, embedded_server, mnist_dir, tmp_path):
    # every MNIST digit senses, so the copy of the test split given to the CLI has a blank one
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        shutil.copy(mnist_dir / name, tmp_path / name)
    blanked = load_split("test", tmp_path)
    with open(tmp_path / "t10k-images-idx3-ubyte", "r+b") as images:
        images.seek(16 + 9020 * 28 * 28)
        images.write(bytes(28 * 28))
    specs = specs_for(blanked, [9019, 9020, 9021])
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    result = run_cli(
        ["ingest", "--split", "test", "--indices", "9019-9021", "--workers", "1"],
        cli_env(embedded_server, COMAN_MNIST_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    assert summary_numbers(result.stdout) == (2, 0, 1)
    assert "failed mnist/test/9020: empty image: every pixel is zero" in result.stdout
    expected = sensed([specs[0], specs[2]])
    assert_stored_exactly(store, {**expected, ids[1]: "empty image"})


def test_corrupt_idx_file_exits_4_naming_it(embedded_server, mnist_dir, tmp_path):
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        shutil.copy(mnist_dir / name, tmp_path / name)
    images = tmp_path / "t10k-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:100_000])
    env = cli_env(embedded_server, COMAN_MNIST_DIR=str(tmp_path))
    result = run_cli(["ingest", "--split", "test", "--indices", "0-9"], env)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(images) in lines[0] and "truncated" in lines[0]


def test_unknown_class_exits_4(embedded_server):
    result = run_cli(
        ["ingest", "--split", "test", "--classes", "1,12", "--per-class", "1"],
        cli_env(embedded_server),
    )
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == ["error: --classes '1,12': unknown class 12"], (
        result.stderr
    )


def test_unreachable_server_exits_3_quickly(embedded_server):
    began = time.monotonic()
    result = run_cli(
        ["ingest", "--split", "test", "--indices", "9000"],
        cli_env(embedded_server, NEO4J_URI="bolt://127.0.0.1:9"),
    )
    assert result.returncode == 3
    assert time.monotonic() - began < 10
    assert "cannot reach the graph server at bolt://127.0.0.1:9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_wrong_password_exits_3(embedded_server):
    result = run_cli(
        ["ingest", "--split", "test", "--indices", "9000"],
        cli_env(embedded_server, NEO4J_PASSWORD="not-the-password"),
    )
    assert result.returncode == 3
    assert "wrong password" in result.stderr and "not-the-password" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_audit_queries_agree_with_the_stored_samples(store, embedded_server, mnist_test):
    specs = specs_for(mnist_test, list(range(9190, 9200)))
    ids = [s.sample_id for s in specs]
    forget(store, ids)
    graphs = sensed(specs)
    assert ingest(store, specs, workers=1).written == 10

    # sample-graph returns each sample's units, segment ends and interconnections as sensed
    for sid, graph in graphs.items():
        rows = store.run("audit/sample-graph", sample_id=sid)
        assert [r["key"] for r in rows] == sorted(u.key for u in graph.units)
        for row in rows:
            unit = graph.unit(row["key"])
            assert row["kind"] == unit.kind
            assert row["start"] == (unit.key == graph.start_point)
            assert sorted(row["bounded_by"]) == sorted(unit.ends or ())
            assert sorted(row["interconnects"]) == sorted(
                link.target for link in graph.interconnections if link.source == unit.key
            )
            for name, codes in unit.params.items():
                assert row["params"][name] == list(codes), (sid, unit.key, name)
                assert codes[-1] == "*"
            assert row["params"]["kind_code"][-1] == "*"
            assert set(row["params"]["params"]) == {"kind_code", *unit.params}

    # the class-level audits are consistent with direct counts (taken at the same moment),
    # and include this module's samples
    mine = Counter(mnist_test.labels[s.index].item() for s in specs)
    total = store.execute(
        "MATCH (s:Sample) RETURN s.split AS split, s.label AS label, count(s) AS n"
    )
    per_class = store.run("audit/samples-per-class")
    assert {(r["split"], r["label"]): r["originals"] + r["augmentations"] for r in per_class} == {
        (r["split"], r["label"]): r["n"] for r in total
    }
    test_rows = {r["label"]: r for r in per_class if r["split"] == "test"}
    for label, n in mine.items():
        assert test_rows[label]["originals"] >= n

    loops = store.run("audit/loops-per-class")
    by_label: Counter[int] = Counter()
    for row in loops:
        by_label[row["label"]] += row["samples"]
    samples_of: Counter[int] = Counter()
    for row in total:
        samples_of[row["label"]] += row["n"]
    assert by_label == samples_of
    my_loops = Counter(
        (mnist_test.labels[s.index].item(), graphs[s.sample_id].loops) for s in specs
    )
    loop_rows = {(r["label"], r["loops"]): r["samples"] for r in loops}
    for key, n in my_loops.items():
        assert loop_rows[key] >= n

    units = store.run("audit/units-per-kind")
    direct = store.execute(
        "MATCH (s:Sample) WITH s.label AS label, count(s) AS samples "
        "MATCH (:Sample {label: label})-[:HAS_UNIT]->(u:Unit) "
        "RETURN label, u.kind AS kind, count(u) AS units, samples"
    )
    # the query rounds to three decimals, half up (Python's round() goes to the even digit)
    assert {(r["label"], r["kind"]): r["per_sample"] for r in units} == pytest.approx(
        {(r["label"], r["kind"]): r["units"] / r["samples"] for r in direct}, abs=0.0005 + 1e-9
    )
    for label in mine:
        assert any(r["label"] == label and r["per_sample"] > 0 for r in units)

    # and the same queries answer from the command line
    env = cli_env(embedded_server)
    shown = run_cli(["query", "sample-graph", "-p", "sample_id=mnist/test/9190"], env)
    assert shown.returncode == 0, shown.stderr
    for unit in graphs["mnist/test/9190"].units:
        assert re.search(rf"\b{unit.key}\b", shown.stdout)
    listed = run_cli(["query", "samples-per-class"], env)
    assert listed.returncode == 0 and "originals" in listed.stdout
