"""A Masthead cluster on one machine: two web hosts and two worker hosts, each in its own
network namespace, behind nginx, on a PostgreSQL and a Redis of the suite's own.

Everything started here is recorded on the ``Cluster`` and stopped by ``Cluster.stop()``
(each process by its own process group; each namespace's remaining processes by
``ip netns pids``); the namespaces, their veth pairs, the e-paper tmpfs and the scratch
directory are removed. Only the suite's own names are touched: namespaces and veths carry
the run's tag, ports are asked of the kernel, and the data directory is a fresh one.

Layout (``N`` = a subnet number picked per run)::

    host 127.0.0.1:LB  nginx ── 127.0.0.1:P (soak.proxy) ── 10.N.1.2:8000 gunicorn (web1)
                            └─────────────────────────────── 10.N.2.2:8000 gunicorn (web2)
    worker1 10.N.3.2, worker2 10.N.4.2: ``masthead worker`` (every role)
    PostgreSQL, Redis, the SMTP sink: on the host, on 127.0.0.1 and each link's host side.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PG_BIN = Path(os.environ.get("SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("SOAK_REDIS_SERVER", "/usr/bin/redis-server")
NGINX = os.environ.get("SOAK_NGINX", "/usr/sbin/nginx")
HOSTS = ("web1", "web2", "worker1", "worker2")
WEB_PORT = 8000
SECRET_KEY = "soak-" + "k" * 60  # the cluster's own; every process signs sessions with it
EPAPER_DISK = "16m"  # the e-paper storage volume (tmpfs with a size limit)


class ClusterError(Exception):
    """The cluster could not be brought up."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(host: str, port: int, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise ClusterError(f"{what or 'a server'} is not listening on {host}:{port} after {timeout}s")


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=check)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[Any]
    log: Path

    @property
    def pid(self) -> int:
        return int(self.popen.pid)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if self.alive():
            self.signal_group(sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.popen.wait(timeout=10)
        # Children that outlived their leader (gunicorn's workers after a SIGKILL of the arbiter).
        self.signal_group(signal.SIGKILL)


@dataclass
class Cluster:
    tag: str
    subnet: int
    dir: Path
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    lb_port: int = field(default_factory=free_port)
    proxy_port: int = field(default_factory=free_port)
    sink_port: int = field(default_factory=free_port)
    processes: dict[str, Process] = field(default_factory=dict)
    namespaces: list[str] = field(default_factory=list)
    mounts: list[Path] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    helper_lock: threading.Lock = field(default_factory=threading.Lock)

    # --- names and addresses ------------------------------------------------------------

    def ns(self, host: str) -> str:
        return f"mhsoak-{self.tag}-{host}"

    def index(self, host: str) -> int:
        return HOSTS.index(host) + 1

    def host_side(self, host: str) -> str:
        return f"10.{self.subnet}.{self.index(host)}.1"

    def address(self, host: str) -> str:
        return f"10.{self.subnet}.{self.index(host)}.2"

    @property
    def listen_addresses(self) -> list[str]:
        return ["127.0.0.1", *(self.host_side(h) for h in HOSTS)]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    @property
    def epaper_dir(self) -> Path:
        return self.dir / "epaper"

    @property
    def sink_log(self) -> Path:
        return self.dir / "sink.tsv"

    def database_url(self, host: str | None = None) -> str:
        where = self.host_side(host) if host else "127.0.0.1"
        return f"postgres://postgres@{where}:{self.pg_port}/masthead"

    def redis_url(self, host: str | None = None) -> str:
        where = self.host_side(host) if host else "127.0.0.1"
        return f"redis://{where}:{self.redis_port}/0"

    def env(self, host: str | None = None) -> dict[str, str]:
        """The environment of a Masthead process on ``host`` (None: on the host itself)."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
        keep.pop("DATABASE_URL", None)
        keep.pop("REDIS_URL", None)
        sink = self.host_side(host) if host else "127.0.0.1"
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            # gunicorn's control socket and any dotfile land in the run's own directory.
            "HOME": str(self.dir / "home" / (host or "host")),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
            # development: the database task queue, as in production; no TLS, no DEBUG.
            "MASTHEAD_ENV": "development",
            "MASTHEAD_DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "MASTHEAD_VAR_DIR": str(self.dir / "var" / (host or "host")),
            "MASTHEAD_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MASTHEAD_SITE_URL": self.base_url,
            "MASTHEAD_TRUSTED_PROXIES": ",".join(self.listen_addresses),
            "DATABASE_URL": self.database_url(host),
            "REDIS_URL": self.redis_url(host),
            "MASTHEAD_REDIS_PREFIX": f"soak{self.tag}",
            "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "MASTHEAD_EMAIL_HOST": sink,
            "MASTHEAD_EMAIL_PORT": str(self.sink_port),
            "MASTHEAD_EMAIL_TIMEOUT": "10",
            # A killed sender's claim is taken up again soon (production: 300 s).
            "MASTHEAD_NEWSLETTERS_CLAIM_SECONDS": "20",
            "MASTHEAD_EPAPER_DIR": str(self.epaper_dir),
            "MASTHEAD_LOG_LEVEL": "WARNING",
            "MASTHEAD_INSIGHTS_CAPTURE": "false",
            "PROMETHEUS_MULTIPROC_DIR": str(self.dir / "prometheus" / (host or "host")),
            **self.extra_env,
        }

    # --- starting things ----------------------------------------------------------------

    def spawn(
        self, name: str, args: list[str], *, env: dict[str, str] | None = None, host: str = ""
    ) -> Process:
        """Start ``args`` in its own process group (in ``host``'s namespace if given)."""
        log = self.dir / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        for own in ("prometheus", "home"):
            (self.dir / own / (host or "host")).mkdir(parents=True, exist_ok=True)
        if host:
            args = ["ip", "netns", "exec", self.ns(host), *args]
        out: IO[bytes]
        with log.open("ab") as out:
            popen = subprocess.Popen(
                args,
                env=env or self.env(host or None),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.dir,
                start_new_session=True,
            )
        process = Process(name=name, popen=popen, log=log)
        self.processes[name] = process
        return process

    def network(self) -> None:
        for host in HOSTS:
            ns = self.ns(host)
            outer, inner = f"ms{self.tag}{self.index(host)}h", f"ms{self.tag}{self.index(host)}n"
            sh("ip", "netns", "add", ns)
            self.namespaces.append(ns)
            sh("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
            sh("ip", "link", "set", inner, "netns", ns)
            sh("ip", "addr", "add", f"{self.host_side(host)}/24", "dev", outer)
            sh("ip", "link", "set", outer, "up")
            run = ("ip", "netns", "exec", ns)
            sh(*run, "ip", "addr", "add", f"{self.address(host)}/24", "dev", inner)
            sh(*run, "ip", "link", "set", inner, "up")
            sh(*run, "ip", "link", "set", "lo", "up")
            sh(*run, "ip", "route", "add", "default", "via", self.host_side(host))

    def postgres(self) -> None:
        data = self.dir / "pgdata"
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
        sh(*as_pg, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
           "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all 10.{self.subnet}.0.0/16 trust\n")
        self.start_postgres()
        for _ in range(50):
            done = sh(*as_pg, str(PG_BIN / "psql") if (PG_BIN / "psql").exists() else "psql",
                      "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "-c",
                      "CREATE DATABASE masthead", check=False)  # fmt: skip
            if done.returncode == 0:
                return
            time.sleep(0.3)
        raise ClusterError(f"could not create the database: {done.stderr}")

    def start_postgres(self) -> Process:
        data = self.dir / "pgdata"
        args = [
            "runuser", "-u", "postgres", "--", str(PG_BIN / "postgres"), "-D", str(data),
            "-p", str(self.pg_port), "-c", f"listen_addresses={','.join(self.listen_addresses)}",
            "-c", f"unix_socket_directories={data}", "-c", "max_connections=200",
            "-c", "fsync=off", "-c", "shared_buffers=64MB",
        ]  # fmt: skip
        process = self.spawn("postgres", args, env=dict(os.environ))
        wait_for_port("127.0.0.1", self.pg_port, what="PostgreSQL")
        return process

    def start_redis(self) -> Process:
        redis_dir = self.dir / "redis"
        redis_dir.mkdir(exist_ok=True)
        # Append-only: a restart keeps the meter's counts, as a production Redis would.
        args = [
            REDIS_SERVER, "--port", str(self.redis_port), "--bind", *self.listen_addresses,
            "--dir", str(redis_dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--protected-mode", "no", "--daemonize", "no",
        ]  # fmt: skip
        process = self.spawn("redis", args, env=dict(os.environ))
        wait_for_port("127.0.0.1", self.redis_port, what="Redis")
        return process

    def masthead(self, *args: str, timeout: float = 600) -> str:
        """Run ``python -m soak.inside ...`` (or a masthead command) on the host; its stdout."""
        done = subprocess.run(
            [sys.executable, *args], env=self.env(), capture_output=True, text=True,
            cwd=self.dir, timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise ClusterError(
                f"{' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
            )
        return done.stdout

    def start_helper(self) -> None:
        """``soak.inside serve`` on the host: the schedule's clock moves, sends and uploads."""
        popen = subprocess.Popen(
            [sys.executable, "-m", "soak.inside", "serve"], env=self.env(), cwd=self.dir,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        self.processes["helper"] = Process(name="helper", popen=popen, log=self.dir / "helper")

    def inside(self, *args: str) -> str:
        popen = self.processes["helper"].popen
        assert popen.stdin is not None
        assert popen.stdout is not None
        with self.helper_lock:  # the schedule's thread, the search's background and the main
            popen.stdin.write(" ".join(args) + "\n")
            popen.stdin.flush()
            return str(popen.stdout.readline()).strip()

    def epaper_disk(self) -> None:
        self.epaper_dir.mkdir()
        sh(
            "mount",
            "-t",
            "tmpfs",
            "-o",
            f"size={EPAPER_DISK}",
            f"mhsoak-{self.tag}",
            str(self.epaper_dir),
        )
        self.mounts.append(self.epaper_dir)

    def start_web(self, host: str, *, workers: int = 2, threads: int = 4) -> Process:
        env = {
            **self.env(host),
            "MASTHEAD_BIND": f"{self.address(host)}:{WEB_PORT}",
            "MASTHEAD_WEB_WORKERS": str(workers),
            "MASTHEAD_WEB_THREADS": str(threads),
            "MASTHEAD_WEB_TIMEOUT": "30",
        }
        return self.spawn(
            host, [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            env=env, host=host,
        )  # fmt: skip

    def start_worker(self, host: str) -> Process:
        return self.spawn(
            host, [sys.executable, "-m", "masthead", "worker", "--interval", "1"], host=host
        )

    def start_nginx(self) -> Process:
        conf = self.dir / "nginx"
        (conf / "temp").mkdir(parents=True, exist_ok=True)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        upstreams = (
            f"    server 127.0.0.1:{self.proxy_port} max_fails=0;\n"
            f"    server {self.address('web2')}:{WEB_PORT} max_fails=0;\n"
        )
        (conf / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {conf}/nginx.pid;\n"
            f"error_log {conf}/error.log warn;\nevents {{ worker_connections 1024; }}\n"
            "http {\n  access_log off;\n"
            + "".join(f"  {k}_temp_path {conf}/temp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            # Idle upstream connections are let go before gunicorn's keep-alive (5 s) would
            # close them: else nginx sends a request down a connection gunicorn is closing, and
            # a POST on it cannot be retried (502) — seen under load, worse on a slow link.
            + f"  upstream masthead {{\n{upstreams}    keepalive 32;\n    keepalive_timeout 4s;\n  }}\n"
            f"  server {{\n    listen 127.0.0.1:{self.lb_port};\n    client_max_body_size 20m;\n"
            "    location / {\n      proxy_pass http://masthead;\n      proxy_http_version 1.1;\n"
            "      proxy_set_header Connection \"\";\n      proxy_set_header Host $host;\n"
            "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            "      proxy_set_header X-Forwarded-Proto http;\n      proxy_read_timeout 60s;\n"
            # A web host that dies mid-request (SIGKILL) leaves nginx an error: the request goes
            # to the other host, POSTs too: money POSTs make one charge however many copies
            # arrive (issue 12's parallel tests), webhooks are stored once per event id, and the
            # other forms set a state; ADR 0023 says which of these a test shows.
            "      proxy_next_upstream error timeout http_502 non_idempotent;\n    }\n  }\n}\n"
        )  # fmt: skip
        process = self.spawn("nginx", [NGINX, "-c", str(conf / "nginx.conf"), "-e", str(conf / "error.log")], env=dict(os.environ))  # fmt: skip
        wait_for_port("127.0.0.1", self.lb_port, what="nginx")
        return process

    def start_proxy(self) -> Process:
        return self.spawn(
            "proxy",
            [sys.executable, "-m", "soak.proxy", "--listen", f"127.0.0.1:{self.proxy_port}",
             "--to", f"{self.address('web1')}:{WEB_PORT}", "--control", str(self.dir / "link-web1")],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip

    def start_sink(self) -> Process:
        process = self.spawn(
            "sink",
            [sys.executable, "-m", "soak.sink", "--port", str(self.sink_port), "--log",
             str(self.sink_log), "--bind", ",".join(self.listen_addresses)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        wait_for_port("127.0.0.1", self.sink_port, what="the SMTP sink")
        return process

    # --- stopping everything --------------------------------------------------------------

    def stop(self) -> list[str]:
        """Stop everything this cluster started; return what could not be cleaned (empty: all)."""
        left: list[str] = []
        order = ["nginx", "proxy", "web1", "web2", "worker1", "worker2", "sink", "redis"]
        for name in [*order, *(n for n in self.processes if n not in order)]:
            process = self.processes.get(name)
            if process is None or name == "postgres":
                continue
            try:
                process.stop(signal.SIGQUIT if name == "nginx" else signal.SIGTERM, timeout=10)
            except Exception as exc:
                left.append(f"{name}: {exc}")
        if "postgres" in self.processes:
            self.processes["postgres"].stop(signal.SIGINT, timeout=20)  # fast shutdown
        for ns in self.namespaces:
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            done = sh("ip", "netns", "del", ns, check=False)
            if done.returncode != 0:
                left.append(f"namespace {ns}: {done.stderr.strip()}")
        for mount in self.mounts:
            if sh("umount", "-l", str(mount), check=False).returncode != 0:
                left.append(f"mount {mount}")
        self.namespaces.clear()
        self.mounts.clear()
        return left


def new_cluster(keep_dir: Path | None = None) -> Cluster:
    tag = uuid.uuid4().hex[:4]
    # A 10.N.0.0/16 no link on this machine uses (another run's, or anyone's).
    taken = sh("ip", "-4", "addr", check=False).stdout
    subnet = next(
        n for n in [100 + (os.getpid() + i) % 100 for i in range(100)] if f" 10.{n}." not in taken
    )
    where = Path(tempfile.mkdtemp(prefix=f"mhsoak-{tag}-", dir=keep_dir))
    where.chmod(0o755)  # postgres and nginx's workers read under here
    return Cluster(tag=tag, subnet=subnet, dir=where)


def bring_up(cluster: Cluster, *, seed_args: list[str], say: object = print) -> str:
    """Start everything, migrate and seed; return the seed's JSON (stdout of soak.inside)."""
    log = say if callable(say) else print
    cluster.network()
    log("network: 4 namespaces up")
    cluster.postgres()
    cluster.start_redis()
    cluster.epaper_disk()
    log(f"PostgreSQL :{cluster.pg_port}, Redis :{cluster.redis_port}, e-paper tmpfs {EPAPER_DISK}")
    cluster.masthead("-m", "masthead", "migrate", "--noinput", "-v0")
    seeded = cluster.masthead("-m", "soak.inside", "seed", *seed_args)
    log("migrated and seeded")
    cluster.start_sink()
    cluster.start_helper()
    for host in ("web1", "web2"):
        cluster.start_web(host)
    cluster.start_proxy()
    for host in ("web1", "web2"):
        wait_for_port(cluster.address(host), WEB_PORT, what=f"gunicorn on {host}", timeout=90)
    cluster.start_nginx()
    for host in ("worker1", "worker2"):
        cluster.start_worker(host)
    log(f"web1, web2 behind nginx at {cluster.base_url}; worker1, worker2 running")
    return seeded


def remove_dir(cluster: Cluster) -> None:
    shutil.rmtree(cluster.dir, ignore_errors=True)
