"""The embedded database's settings keep what was committed when a process dies (ADR 0029).

Each gunicorn worker keeps its SQLite connection, in WAL mode with synchronous=NORMAL. A worker
SIGKILLed right after a commit must leave the row for every other process, and a second
process writing while another holds a read open must not be blocked (WAL: readers never wait).
The PRAGMAs come from the settings (``SQLITE_INIT_COMMAND``), so the test follows them. A
process's death is what this shows; a power cut can lose the last transactions under NORMAL.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

CHILD = textwrap.dedent(
    """
    import os, signal, sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.executescript(sys.argv[2])
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO story_view (reader) VALUES ('committed before the kill')")
    db.execute("COMMIT")
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO story_view (reader) VALUES ('never committed')")
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_worker_killed_after_a_commit_leaves_the_row_and_nothing_half_done(tmp_path: Path):
    init = settings.SQLITE_INIT_COMMAND
    assert "journal_mode=WAL" in init and "synchronous=NORMAL" in init
    path = tmp_path / "embedded.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE story_view (reader TEXT)")
    died = subprocess.run(  # noqa: S603 - this interpreter, the script above
        [sys.executable, "-c", CHILD, str(path), init], check=False
    )
    assert died.returncode == -9  # SIGKILL, mid-transaction
    with sqlite3.connect(path) as db:
        db.executescript(init)
        rows = [r for (r,) in db.execute("SELECT reader FROM story_view")]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert rows == ["committed before the kill"]


def test_a_reader_holding_a_snapshot_does_not_block_a_writer_in_another_connection(
    tmp_path: Path,
):
    path = tmp_path / "embedded.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    writer.executescript(settings.SQLITE_INIT_COMMAND)
    writer.executescript("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);")
    reader = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    reader.executescript(settings.SQLITE_INIT_COMMAND)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1  # a read is open
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (2)")
    writer.execute("COMMIT")  # not blocked by the open read (else: "database is locked")
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 1  # its snapshot holds
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    reader.close()
    writer.close()


def test_a_connection_kept_open_reads_what_a_restore_copied_into_the_file(tmp_path: Path):
    """`masthead restore` copies a backup into the live file with SQLite's backup API (it does
    not swap the file), so a worker's kept connection reads the restored rows."""
    live, backup = tmp_path / "embedded.sqlite3", tmp_path / "backup.sqlite3"
    kept = sqlite3.connect(live, isolation_level=None)
    kept.executescript(settings.SQLITE_INIT_COMMAND)
    kept.executescript("CREATE TABLE reader (email TEXT);")
    assert kept.execute("SELECT count(*) FROM reader").fetchone()[0] == 0
    with sqlite3.connect(backup) as source:
        source.executescript(
            "CREATE TABLE reader (email TEXT); INSERT INTO reader VALUES ('asha@example.com');"
        )
        restorer = sqlite3.connect(live)
        source.backup(restorer)  # as ops.backup._sqlite_restore does
        restorer.close()
    assert [e for (e,) in kept.execute("SELECT email FROM reader")] == ["asha@example.com"]
    kept.close()
