"""Local servers keep their secret and their data private, and refuse folders that are not theirs.

Run on both engines against the session's real servers (and fresh ones in temporary folders).
"""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coman_graph.errors import SERVER_SETUP, GraphStoreError, ServerSetupError
from coman_graph.graphstore.connection import connect
from coman_graph.graphstore.servers import ENGINES, local_server
from coman_graph.graphstore.servers.base import ENGINE_FILE, free_ports


def _proc(pid: int, name: str) -> bytes:
    return Path(f"/proc/{pid}/{name}").read_bytes()


def _tree(root: Path) -> list[Path]:
    return [root, *root.rglob("*")]


def test_a_server_gets_distinct_free_ports():
    # the system reuses a just-released port: chosen one at a time, Bolt and HTTP could collide
    for _ in range(200):
        ports = free_ports(2)
        assert len(set(ports)) == 2, ports


def test_the_password_is_on_no_command_line_and_in_no_environment(embedded_server):
    password = embedded_server.password_file.read_text().strip().encode()
    pid = embedded_server.status().pid
    # every process of the server's group: the launcher and anything it started
    group = [p for p in os.listdir("/proc") if p.isdigit() and _same_group(int(p), pid)]
    assert str(pid) in group
    for process in group:
        assert password not in _proc(int(process), "cmdline"), process
        assert password not in _proc(int(process), "environ"), process
    assert f"rootPath={embedded_server.root}".encode() in _proc(pid, "cmdline") or (
        str(embedded_server.root).encode() in _proc(pid, "cmdline")
    )


def _same_group(pid: int, leader: int) -> bool:
    try:
        return os.getpgid(pid) == leader
    except OSError:
        return False


def test_the_password_is_in_no_log_and_no_file_but_its_own(embedded_server):
    password = embedded_server.password_file.read_text().strip().encode()
    holders = [
        path
        for path in _tree(embedded_server.root)
        if path.is_file() and password in path.read_bytes()
    ]
    assert holders == [embedded_server.password_file]


def test_the_data_folder_is_private(embedded_server):
    """Folders 0700 and files 0600 or stricter, everything the server wrote included."""
    exposed = [
        f"{path} {stat.filemode(path.stat().st_mode)}"
        for path in _tree(embedded_server.root)
        if not path.is_symlink() and path.stat().st_mode & 0o077
    ]
    assert exposed == []
    assert stat.S_IMODE(embedded_server.password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(embedded_server.root.stat().st_mode) == 0o700


def test_a_foreign_folder_is_refused_and_left_alone(engine, tmp_path):
    (tmp_path / "notes.txt").write_text("somebody else's")
    with pytest.raises(ServerSetupError, match="not empty and was not made by coman-graph"):
        local_server(engine, tmp_path).start()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "somebody else's"


def test_the_other_engines_folder_is_refused_and_left_alone(engine, tmp_path):
    other = next(e for e in ENGINES if e != engine)
    (tmp_path / ENGINE_FILE).write_text(other + "\n")
    (tmp_path / "data").mkdir()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(ServerSetupError, match=f"holds a {other} server's data"):
        local_server(engine, tmp_path).start()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_db_start_on_a_foreign_folder_exits_8_in_one_line(engine, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    env = {**os.environ, "COMAN_SERVER_DIR": str(tmp_path)}
    env.pop("NEO4J_URI", None)
    result = subprocess.run(
        [sys.executable, "-m", "coman_graph", "--engine", engine, "db", "start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == SERVER_SETUP, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(tmp_path) in result.stderr
    assert (tmp_path / "notes.txt").exists()


#: A file of each engine's store that it cannot start without (overwritten by the test; which
#: damage each engine notices is in docs/compatibility.md).
STORE_FILES = {
    "neo4j": "data/databases/neo4j/neostore",
    "arcadedb": "databases/neo4j/configuration.json",
}


def test_a_corrupted_store_is_a_clear_error_and_nothing_is_deleted(engine, tmp_path):
    server = local_server(engine, tmp_path / "server", heap="512m")
    server.start()
    server.stop()
    damaged = server.root / STORE_FILES[engine]
    assert damaged.is_file()
    damaged.write_bytes(b"\0garbage" * 7)
    before = sorted(str(p.relative_to(server.root)) for p in _tree(server.root) if p.is_file())
    try:
        with pytest.raises(GraphStoreError) as refused:
            server.start(timeout=90)
    finally:
        server.stop()
    message = str(refused.value)
    assert "\n" not in message and f"see {server.database_log}" in message, message
    after = sorted(str(p.relative_to(server.root)) for p in _tree(server.root) if p.is_file())
    assert set(before) <= set(after)  # the server may add logs; it removed nothing
    assert damaged.read_bytes() == b"\0garbage" * 7


def test_a_password_beginning_with_a_dash_starts_the_server(engine, tmp_path):
    # a generated password is url-safe base64, so one in 64 begins with "-"; the launcher
    # must not read it as an option
    root = tmp_path / "server"
    root.mkdir(mode=0o700)
    password = "-" + secrets.token_urlsafe(24)
    (root / "password").write_text(password)
    (root / "password").chmod(0o600)
    server = local_server(engine, root, heap="512m")
    try:
        server.start()
        config = server.config()
        assert config.password == password
        store = connect(config)
        assert store.execute("RETURN 1 AS one") == [{"one": 1}]
        store.close()
    finally:
        server.stop()
