"""What an operator sees: /healthz, /readyz, the protected metrics page, request ids, gzip."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.access.models import MeterMiss
from masthead.billing import demo, services
from masthead.billing.models import PlanPrice, Subscription, WebhookEvent
from masthead.billing.tasks import send_receipt
from masthead.core.observability import JsonFormatter
from masthead.ops import heartbeats, testing

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "scraper-token-for-tests-0123456789"


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample on a Prometheus text page (fails if it is not there)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.match(r"^([a-zA-Z_:]+)(\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(4))
    raise AssertionError(f"{name} {labels} not on the page")


def test_healthz_says_alive_and_readyz_checks_database_cache_and_migrations(client):
    alive = client.get("/healthz")
    assert (alive.status_code, alive.content) == (200, b"ok\n")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "migrations": True,
    }


def test_readyz_is_503_naming_the_migration_not_applied(client):
    call_command("migrate", "ops", "zero", verbosity=0)
    try:
        ready = client.get("/readyz")
    finally:
        call_command("migrate", "ops", verbosity=0)
    assert ready.status_code == 503
    check = ready.json()["checks"]["migrations"]
    assert check["ok"] is False
    assert "ops.0001_worker_heartbeats" in check["detail"]
    assert "masthead migrate" in check["detail"]
    assert client.get("/healthz").status_code == 200, "alive all the same"


def test_readyz_remembers_all_applied_but_never_an_unapplied_migration(client):
    """A process started before `masthead migrate` turns ready once it has run; after that the
    migration plan is not rebuilt on every probe (no read of the django_migrations table)."""
    call_command("migrate", "ops", "zero", verbosity=0)
    try:
        before = client.get("/readyz")
    finally:
        call_command("migrate", "ops", verbosity=0)
    assert before.status_code == 503
    assert "ops.0001_worker_heartbeats" in before.json()["checks"]["migrations"]["detail"]

    with CaptureQueriesContext(connection) as first:
        after = client.get("/readyz")
    assert after.status_code == 200, "the unapplied answer was not kept once migrate ran"
    assert after.json()["checks"]["migrations"] == {"ok": True, "detail": "all applied"}
    assert any("django_migrations" in q["sql"] for q in first.captured_queries)

    with CaptureQueriesContext(connection) as again:
        probed = client.get("/readyz")
    assert probed.status_code == 200
    assert probed.json()["checks"]["migrations"] == {"ok": True, "detail": "all applied"}
    sql = [q["sql"] for q in again.captured_queries]
    assert any("SELECT 1" in q for q in sql), "the database is still asked on every probe"
    assert not any("django_migrations" in q for q in sql), sql


def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert "ConnectionError" in checks["cache"]["detail"]
    assert checks["database"]["ok"] is True


def test_the_metrics_page_is_hidden_from_readers_and_refuses_a_wrong_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 403
    assert "MASTHEAD_METRICS_TOKEN" in wrong.content.decode()
    reader = testing.reader_account()
    client.force_login(reader)
    assert client.get("/metrics").status_code == 404
    staff = testing.reader_account("desk@example.com")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    refused = client.get("/metrics")
    assert refused.status_code == 403
    assert "permission" in refused.content.decode()
    staff.user_permissions.add(Permission.objects.get(codename="view_workerheartbeat"))
    client.force_login(staff)
    allowed = client.get("/metrics")
    assert allowed.status_code == 200
    assert "masthead_renewals_due" in allowed.content.decode()


def test_the_metrics_page_shows_what_waits_who_works_and_how_requests_fare(client, settings):
    settings.METRICS_TOKEN = TOKEN
    # A renewal due 2 hours ago and not yet done (no worker ran).
    demo.load()
    user = testing.reader_account("late@example.com")
    services.ensure_customer(user=user)
    sub = services.checkout(
        user=user,
        price=PlanPrice.objects.get(plan__slug="smart-quarterly", currency="INR"),
        payment_method="pm_sandbox_4242424242424242",
        payment_method_label="card",
        checkout_key="late-checkout",
    ).subscription
    Subscription.objects.filter(pk=sub.pk).update(
        next_action_at=timezone.now() - dt.timedelta(hours=2)
    )
    # Two receipts waiting in the database queue.
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    send_receipt.enqueue(invoice_id=1)
    send_receipt.enqueue(invoice_id=2)
    WebhookEvent.objects.create(gateway="razorpay", event_id="evt_1", event_type="x", payload="{}")
    MeterMiss.objects.create(
        reader_key="anon:x", article_id=1, store="redis", policy="allow", error="down"
    )
    heartbeats.start(role="billing")
    story = testing.article(access_level="free")
    assert client.get(story.get_absolute_url()).status_code == 200

    page = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    assert metric(page, "masthead_renewals_due") == 1
    assert 7200 <= metric(page, "masthead_renewals_oldest_due_age_seconds") < 7300
    assert (
        metric(page, "masthead_task_queue_depth", queue="email", task=send_receipt.module_path) == 2
    )
    assert metric(page, "masthead_webhook_backlog", gateway="razorpay") == 1
    assert metric(page, "masthead_meter_store_misses_total", store="redis", policy="allow") == 1
    assert metric(page, "masthead_worker_up", role="billing") == 1
    assert metric(page, "masthead_worker_heartbeat_age_seconds", role="billing") < 60
    assert metric(page, "masthead_renewals_total", outcome="done") == 0
    assert metric(page, "masthead_access_decisions_total", reason="free_story", full="true") >= 1
    assert (
        metric(
            page,
            "masthead_request_duration_seconds_count",
            view="newsroom:article",
            method="GET",
            status="2xx",
        )
        >= 1
    )


def test_every_response_carries_a_request_id_that_its_log_line_carries_too(client, caplog):
    with caplog.at_level(logging.INFO, logger="masthead.requests"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-req-0123456789abcdef")
        forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nINJECTED")
    assert response["X-Request-ID"] == "nginx-req-0123456789abcdef"
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"]), "a fresh id, not the header"
    first = next(r for r in caplog.records if r.request_id == response["X-Request-ID"])
    line = json.loads(JsonFormatter().format(first))
    assert line["request_id"] == "nginx-req-0123456789abcdef"
    assert line["message"] == "GET /healthz 200"
    assert line["view"] == "ops:healthz"
    assert line["client"] == "127.0.0.1"
    assert line["status"] == 200


def test_pages_are_gzipped_for_browsers_that_accept_it(client):
    testing.article(access_level="free")
    plain = client.get("/")
    zipped = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content).lower().startswith(b"<!doctype html>")
    assert len(zipped.content) < len(plain.content) / 2


def test_every_page_links_the_sites_icon_and_the_icon_is_served(client):
    story = testing.article(access_level="free")
    for url in ("/", story.get_absolute_url(), "/archive/"):
        page = client.get(url).content.decode()
        found = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
        assert found, url
    icon = client.get(found.group(1))
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
