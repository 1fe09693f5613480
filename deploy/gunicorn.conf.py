"""gunicorn settings for Masthead behind nginx (deploy/README.md). Every value can be changed
through the environment file systemd reads (deploy/masthead.env.example)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

wsgi_app = "masthead.wsgi:application"
# nginx on the same machine connects here; nothing else should be able to.
bind = os.environ.get("MASTHEAD_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MASTHEAD_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker answer while another request waits on the database or a gateway.
threads = int(os.environ.get("MASTHEAD_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("MASTHEAD_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so a slow leak never builds up.
max_requests = 2000
max_requests_jitter = 200
# Masthead logs each request itself (with the client address it trusts and the request id);
# gunicorn's own access log would only repeat it with nginx's address.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("MASTHEAD_GUNICORN_LOG_LEVEL", "info")
# Only nginx's X-Forwarded-Proto is believed (Django reads it through SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("MASTHEAD_TRUSTED_PROXIES", "127.0.0.1")

# Prometheus: each worker process writes its counters to files here and /metrics adds them up
# (prometheus_client's multiprocess mode). Set before any worker imports prometheus_client.
PROMETHEUS_DIR = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/run/masthead/prometheus"))


def on_starting(server: Any) -> None:
    # Values left by a previous run would be added to this one's.
    shutil.rmtree(PROMETHEUS_DIR, ignore_errors=True)
    PROMETHEUS_DIR.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
