"""Everything the cluster starts, it stops: namespaces, veths, mounts, process groups (also a
process that left its group's leader behind in a namespace). Needs root, as the soak does;
about two seconds (no PostgreSQL, no migrations)."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest

from soak import cluster as cl

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead; it is only waiting for its parent.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_stop_leaves_no_namespace_mount_process_or_port_behind():
    cluster = cl.new_cluster()
    try:
        cluster.network()
        cluster.start_redis()
        cluster.epaper_disk()
        # A process in web1's namespace that starts a child in a session of its own: the
        # group kill misses it, the namespace sweep must not.
        stray = cluster.spawn("stray", ["sh", "-c", "setsid sleep 600 & sleep 600"], host="web1")
        time.sleep(0.5)
        in_web1 = subprocess.run(
            ["ip", "netns", "pids", cluster.ns("web1")], capture_output=True, text=True, check=True
        ).stdout.split()
        assert len(in_web1) >= 2  # the shell and its setsid child at least
        namespaces = list(cluster.namespaces)
        assert len(namespaces) == 4
    finally:
        left = cluster.stop()
        cl.remove_dir(cluster)
    assert left == []
    listed = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert not any(ns in listed for ns in namespaces)
    assert not any(alive(int(pid)) for pid in in_web1)
    assert not stray.alive()
    with open("/proc/mounts") as mounts:
        assert str(cluster.epaper_dir) not in mounts.read()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", cluster.redis_port), timeout=1).close()
