"""Request ids and JSON log lines: what ties one request's log lines together.

Settings point LOGGING at ``JsonFormatter`` and ``RequestIdFilter`` when MASTHEAD_LOG_FORMAT=json;
the request id is set by ``masthead.ops.middleware`` for each request (taken from the proxy's
X-Request-ID when it is a sane token, so nginx's and Masthead's lines share one id).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
# LogRecord's own attributes: everything else on a record came in ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def new_request_id(offered: str = "") -> str:
    """The proxy's id when it looks like one (never a header an attacker can stuff logs with)."""
    return offered if _SANE_ID.match(offered) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, any ``extra``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        if rid:
            line["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and key != "request_id":
                line[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def start_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Report unhandled errors (and logged errors) to Sentry; called by settings when SENTRY_DSN
    is set. No personal data: readers' emails and addresses stay out of error reports."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[
            DjangoIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
    )
