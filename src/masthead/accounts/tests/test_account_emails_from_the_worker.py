"""Sign-up verification and password reset: text and HTML, queued to the worker (nothing sent
inside the request), with a Message-ID on the site's own domain."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django_tasks_db.models import DBTaskResult

from masthead.ops import testing
from masthead.ops.background import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@pytest.fixture
def production_queue(settings):
    settings.TASKS = DB_QUEUE
    settings.SITE_URL = "https://news.example.com"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.com"]


def html_of(message) -> str:
    (html, kind) = message.alternatives[0]
    assert kind == "text/html"
    return str(html)


def test_a_password_reset_is_queued_then_sent_as_text_and_html(
    client, production_queue, mailoutbox
):
    reader = testing.reader_account("asha@example.com")
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)

    response = client.post("/accounts/password/reset/", {"email": "asha@example.com"})

    assert response.status_code == 302
    assert mailoutbox == []  # nothing sent inside the request
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith("send_account_email")
    assert queued.queue_name == "email"

    run_queued_tasks(worker_id="test-worker")

    (email,) = mailoutbox
    assert email.to == ["asha@example.com"]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", email.body)
    assert link is not None
    assert link.group(0) in html_of(email)
    assert "Choose a new password" in html_of(email)
    assert re.fullmatch(r"<[^@<>]+@news\.example\.com>", email.extra_headers["Message-ID"])


def test_sign_up_verification_is_queued_then_sent_as_text_and_html(
    client, production_queue, mailoutbox
):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.reader@example.com",
            "password1": "Ledger-reader-Monsoon-2031!",
            "password2": "Ledger-reader-Monsoon-2031!",
        },
    )

    assert response.status_code == 302
    assert mailoutbox == []
    run_queued_tasks(worker_id="test-worker")

    (email,) = mailoutbox
    assert email.to == ["new.reader@example.com"]
    assert "confirm that new.reader@example.com is your email address" in email.body
    assert "new.reader@example.com" in html_of(email)
    assert email.extra_headers["Message-ID"].endswith("@news.example.com>")
