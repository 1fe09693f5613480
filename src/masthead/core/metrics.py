"""The process-side Prometheus metrics the apps count into (``masthead.ops.metrics`` serves them).

Counted in the process that saw the event. Under gunicorn (several processes) set
PROMETHEUS_MULTIPROC_DIR (``deploy/gunicorn.conf.py`` does): prometheus_client then keeps each
process's values in files there and the metrics page adds them up. Figures that live in the
database (due renewals, queues, webhooks, workers) are not counted here: the metrics page reads
them at scrape time.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_LATENCY = Histogram(
    "masthead_request_duration_seconds",
    "Time to answer a request, by view (the URL pattern's name) and status class.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DECISIONS = Counter(
    "masthead_access_decisions",
    "The gate's decisions, by reason (free_story, entitled, metered_allowed, ...).",
    ["reason", "full"],
)
