"""The deployment in deploy/ as a newcomer would run it: nginx (Debian's) terminating TLS in
front of gunicorn (deploy/gunicorn.conf.py) in front of Masthead in production mode.

Checked through the real chain: the client address Masthead logs, gzip on pages and static
files, year-long caching of hashed static files, and plain HTTP redirected to HTTPS. The nginx
site file is used as shipped; only the host-specific lines (ports, paths) are swapped, and each
swap must match exactly once, so the file cannot drift away from what is tested.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from masthead.newsletters.tests.processes import database_url
from masthead.ops import testing

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[4]
DEPLOY = REPO / "deploy"
NGINX = os.environ.get("MASTHEAD_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
CLIENT = "127.0.0.2"  # the reader: another loopback address than nginx's own


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listening on {port} after {timeout}s")


def swap(text: str, old: str, new: str, *, times: int = 1) -> str:
    assert text.count(old) == times, f"deploy/nginx/masthead.conf no longer has {old!r} {times}×"
    return text.replace(old, new)


@dataclass
class Stack:
    http_port: int
    https_port: int
    cert: Path
    static_root: Path
    app_log: Path
    var: Path

    def https(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.cert))
        return http.client.HTTPSConnection(
            "localhost", self.https_port, context=context, source_address=(CLIENT, 0), timeout=30
        )

    def log_lines(self) -> list[dict[str, object]]:
        lines = []
        for raw in self.app_log.read_text().splitlines():
            if raw.startswith("{"):
                lines.append(json.loads(raw))
        return lines


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    assert os.path.exists(NGINX), "nginx is missing: run python scripts/ensure_ops_tools.py"
    tmp_path.chmod(0o755)  # nginx's workers (another user when run as root) read the files
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    var = tmp_path / "var"
    static_root = var / "static"
    env = {
        **os.environ,
        "MASTHEAD_ENV": "production",
        "SECRET_KEY": settings.SECRET_KEY,
        "MASTHEAD_ALLOWED_HOSTS": "localhost",
        "MASTHEAD_SITE_URL": "https://localhost",
        "MASTHEAD_VAR_DIR": str(var),
        "MASTHEAD_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url(),
        "MASTHEAD_TRUSTED_PROXIES": "127.0.0.1",
        "MASTHEAD_LOG_FORMAT": "json",
        "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "MASTHEAD_REDIS_PREFIX": getattr(settings, "REDIS_PREFIX", "masthead"),
    }
    collected = subprocess.run(
        [sys.executable, "-m", "masthead", "collectstatic", "--noinput", "-v0"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr

    app_port, http_port, https_port = free_port(), free_port(), free_port()
    app_log = tmp_path / "gunicorn.log"
    web_env = {
        **env,
        "MASTHEAD_BIND": f"127.0.0.1:{app_port}",
        "MASTHEAD_WEB_WORKERS": "2",
        "MASTHEAD_WEB_THREADS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    with app_log.open("wb") as log:
        web = subprocess.Popen(  # noqa: S603 - our own gunicorn and config
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            env=web_env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
        )  # fmt: skip
    nginx = None
    try:
        wait_for_port(app_port, web)
        site = (DEPLOY / "nginx" / "masthead.conf").read_text()
        site = swap(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
        site = swap(site, "    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n")
        site = swap(site, "    listen [::]:80;\n", "")
        site = swap(
            site, "    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl;\n"
        )
        site = swap(site, "    listen [::]:443 ssl http2;\n", "")
        site = swap(site, "/etc/letsencrypt/live/news.example.com/fullchain.pem", str(cert))
        site = swap(site, "/etc/letsencrypt/live/news.example.com/privkey.pem", str(key))
        # Static files and the stories' images both live under the var directory.
        site = swap(site, "root /srv/masthead/var;", f"root {var};", times=2)
        (tmp_path / "site.conf").write_text(site)
        temp = tmp_path / "nginx-temp"
        temp.mkdir()
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (tmp_path / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
            f"error_log {tmp_path}/nginx-error.log warn;\nevents {{ worker_connections 64; }}\n"
            "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            f"  access_log {tmp_path}/nginx-access.log;\n"
            + "".join(
                f"  {kind}_temp_path {temp}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"  include {tmp_path}/site.conf;\n}}\n"
        )
        nginx = subprocess.Popen(  # noqa: S603 - Debian's nginx, our config
            [NGINX, "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "nginx-error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(https_port, nginx)
        yield Stack(http_port, https_port, cert, static_root, app_log, var)
    finally:
        if nginx is not None:
            stop(nginx, signal.SIGQUIT)  # graceful: finish the requests in hand
        stop(web)


def test_plain_http_is_redirected_to_https(stack: Stack) -> None:
    plain = http.client.HTTPConnection("localhost", stack.http_port, timeout=30)
    plain.request("GET", "/markets/some-story/?ref=home", headers={"Host": "news.example.com"})
    response = plain.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://news.example.com/markets/some-story/?ref=home"


def test_through_nginx_masthead_sees_the_readers_address_and_gzips_the_page(
    stack: Stack,
) -> None:
    testing.article(access_level="free", headline="Through the whole chain")
    conn = stack.https()
    # A reader claiming another address: nginx appends the one it saw, Masthead trusts only
    # nginx, so the claim is ignored.
    conn.request("GET", "/", headers={"Accept-Encoding": "gzip", "X-Forwarded-For": "203.0.113.66"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, body[:500]
    assert response.getheader("Content-Encoding") == "gzip"
    page = gzip.decompress(body)
    assert b"Through the whole chain" in page
    assert len(body) < len(page) / 2
    # Django believed nginx's X-Forwarded-Proto: the page knows it went out over HTTPS.
    assert "max-age=31536000" in (response.getheader("Strict-Transport-Security") or "")
    request_id = response.getheader("X-Request-ID")
    assert request_id and len(request_id) == 32, "nginx's $request_id, passed through"

    deadline = time.monotonic() + 10
    mine: list[dict[str, object]] = []
    while not mine and time.monotonic() < deadline:
        mine = [line for line in stack.log_lines() if line.get("request_id") == request_id]
        time.sleep(0.1)
    assert len(mine) == 1, stack.app_log.read_text()[-2000:]
    assert mine[0]["client"] == CLIENT
    assert mine[0]["message"] == "GET / 200"
    assert mine[0]["view"] == "newsroom:home"


def test_hashed_static_files_are_cached_for_a_year_and_served_compressed(stack: Stack) -> None:
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())["paths"]
    original = next(name for name in manifest if name.endswith(".css"))
    hashed = manifest[original]
    assert hashed != original, "collectstatic hashed the name"

    conn = stack.https()
    conn.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (stack.static_root / hashed).read_bytes()

    # The unhashed name may change with a release: cached briefly only.
    conn.request("GET", f"/static/{original}")
    unhashed = conn.getresponse()
    unhashed.read()
    assert unhashed.status == 200
    assert unhashed.getheader("Cache-Control") == "public, max-age=3600"


def test_nginx_serves_story_image_renditions_but_never_the_uploaded_original(
    stack: Stack,
) -> None:
    # As newsroom.images names them: <digest>/original.<ext>, <digest>/<focal>-r<recipe>/...
    folder = stack.var / "media" / "newsroom" / "images" / ("ab" * 16)
    (folder / "f0500-0500-r1").mkdir(parents=True)
    (folder / "original.jpg").write_bytes(b"camera bytes with EXIF")
    (folder / "f0500-0500-r1" / "picture-480.jpg").write_bytes(b"rendition bytes")

    conn = stack.https()
    conn.request("GET", f"/media/newsroom/images/{'ab' * 16}/f0500-0500-r1/picture-480.jpg")
    rendition = conn.getresponse()
    assert rendition.read() == b"rendition bytes"
    assert rendition.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    conn.request("GET", f"/media/newsroom/images/{'ab' * 16}/original.jpg")
    original = conn.getresponse()
    assert original.status == 404
    assert b"camera bytes" not in original.read()
    # A missing file is a 404 that no cache keeps for a year.
    conn.request("GET", f"/media/newsroom/images/{'ab' * 16}/f0500-0500-r1/picture-800.jpg")
    missing = conn.getresponse()
    missing.read()
    assert missing.status == 404
    assert "immutable" not in (missing.getheader("Cache-Control") or "")


def test_the_health_checks_answer_through_the_proxy(stack: Stack) -> None:
    conn = stack.https()
    conn.request("GET", "/readyz")
    response = conn.getresponse()
    body = json.loads(response.read())
    assert response.status == 200, body
    assert body["ready"] is True
