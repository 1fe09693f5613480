"""Running a sender in a process of its own (to kill it), against this test's database."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The URL of the test database this test is using (pytest-django's, not the dev one)."""
    db: dict[str, Any] = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def sender_env(*, smtp_port: int, batch_size: int = 5, claim_seconds: int = 1) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "MASTHEAD_ENV": "test",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "MASTHEAD_EMAIL_HOST": "127.0.0.1",
            "MASTHEAD_EMAIL_PORT": str(smtp_port),
            "MASTHEAD_NEWSLETTERS_BATCH_SIZE": str(batch_size),
            "MASTHEAD_NEWSLETTERS_CLAIM_SECONDS": str(claim_seconds),
            "MASTHEAD_LOG_LEVEL": "WARNING",
            "MASTHEAD_REDIS_PREFIX": getattr(settings, "REDIS_PREFIX", "masthead"),
        }
    )
    return env


def masthead(*args: str) -> list[str]:
    return [sys.executable, "-m", "masthead", *args]


# Our own interpreter running our own command: no untrusted input reaches these (S603).
def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        args, env=env, capture_output=True, text=True, timeout=120, check=False
    )
