"""Bounces and complaints from the provider's webhook; the editor's back office."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.newsletters import selectors, sending, services, tokens, webhooks
from masthead.newsletters.models import (
    IssueStatus,
    Newsletter,
    Suppression,
    SuppressionReason,
)
from masthead.newsletters.tests.conftest import active_signup, issue, newsletter
from masthead.ops import testing
from masthead.ops.testing import PARAGRAPHS

pytestmark = pytest.mark.django_db

URL = "/newsletters/webhooks/events/"


def _post(body: bytes, signature: str | None = None) -> Any:
    client = Client(enforce_csrf_checks=True)
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Masthead-Signature": signature or ""},
    )


def test_a_signed_bounce_or_complaint_suppresses_the_address(mailoutbox: list[Any]) -> None:
    body = json.dumps(
        {
            "events": [
                {"event_type": "bounced", "recipient": "Gone@Example.com", "description": "550"},
                {"event_type": "complained", "recipient": "angry@example.com"},
                {"event_type": "delivered", "recipient": "fine@example.com"},
            ]
        }
    ).encode()
    response = _post(body, webhooks.signature(body))
    assert response.status_code == 200
    assert response.json() == {"received": 3, "suppressed": 2}
    assert dict(Suppression.objects.values_list("email", "reason")) == {
        "gone@example.com": SuppressionReason.BOUNCE,
        "angry@example.com": SuppressionReason.COMPLAINT,
    }
    # The same event delivered again (providers retry) changes nothing.
    assert _post(body, webhooks.signature(body)).status_code == 200
    assert Suppression.objects.count() == 2

    news = newsletter()
    for address in ("gone@example.com", "angry@example.com", "fine@example.com"):
        active_signup(news, address)
    made = issue(news)
    services.schedule(issue_id=made.pk, send_at=timezone.now())
    sending.send_issue(issue_id=made.pk)
    assert [m.to for m in mailoutbox] == [["fine@example.com"]]


@pytest.mark.parametrize(
    "signature", ["", "sha256=" + "0" * 64, "nonsense"], ids=["missing", "wrong", "garbled"]
)
def test_an_unsigned_or_wrongly_signed_webhook_is_refused_and_records_nothing(
    signature: str,
) -> None:
    body = json.dumps({"event_type": "bounced", "recipient": "victim@example.com"}).encode()
    response = _post(body, signature)
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_a_signature_over_another_body_is_refused() -> None:
    signed = json.dumps({"event_type": "delivered", "recipient": "a@example.com"}).encode()
    sent = json.dumps({"event_type": "bounced", "recipient": "a@example.com"}).encode()
    assert _post(sent, webhooks.signature(signed)).status_code == 400
    assert not Suppression.objects.exists()


@pytest.fixture
def editor(client: Client) -> Any:
    user = testing.reader_account("editor@example.com")
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["newsletters", "newsroom"])
    )
    client.force_login(user)
    return user


def test_the_editor_previews_as_a_subscriber_and_as_a_free_reader(
    client: Client, editor: Any, gated_stories: list[Any]
) -> None:
    made = issue(newsletter(), gated_stories)
    base = f"/admin/newsletters/issue/{made.pk}/preview/"
    as_subscriber = client.get(base + "subscriber/").content.decode()
    as_free = client.get(base + "free/").content.decode()
    secret = PARAGRAPHS[-1]
    assert as_subscriber.count(secret) == 3
    assert as_free.count(secret) == 1, "only the free story in full"
    for story in gated_stories:
        assert story.headline in as_free


def test_the_editor_sends_from_the_back_office_and_sees_the_counts(
    client: Client,
    editor: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    news = newsletter()
    for i in range(3):
        active_signup(news, f"r{i}@example.com")
    made = issue(news)
    send_url = reverse("admin:newsletters_issue_send", args=[made.pk])
    assert "3 confirmed addresses" in client.get(send_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url, {"send_at": ""})
    assert response.status_code == 302
    assert len(mailoutbox) == 3
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT
    page = client.get(reverse("admin:newsletters_issue_change", args=[made.pk])).content.decode()
    assert "3 listed: 3 sent, 0 failed" in page
    listing = client.get(reverse("admin:newsletters_issue_changelist")).content.decode()
    assert made.subject in listing
    news_page = client.get(
        reverse("admin:newsletters_newsletter_change", args=[news.pk])
    ).content.decode()
    assert "Subscribers over the last four weeks" in news_page


def test_scheduling_in_the_back_office_leaves_sending_to_the_worker(
    client: Client, editor: Any, mailoutbox: list[Any]
) -> None:
    news = newsletter()
    active_signup(news, "later@example.com")
    made = issue(news)
    client.post(
        reverse("admin:newsletters_issue_send", args=[made.pk]), {"send_at": "2099-01-01 08:00"}
    )
    made.refresh_from_db()
    assert made.status == IssueStatus.SCHEDULED
    assert timezone.localtime(made.send_at).hour == 8
    assert mailoutbox == []


def _a_month_of_sign_ups(news: Newsletter) -> tuple[dt.datetime, list[dt.date]]:
    """Readers coming, leaving, coming back and bouncing over four weeks; returns the noon
    of today (the publisher's) and the four days the counts are for, oldest first."""
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.now().astimezone(tz).date()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=tz)

    def days_ago(n: int) -> dt.datetime:
        return noon - dt.timedelta(days=n)

    def join(email: str, at: dt.datetime) -> None:
        result = services.sign_up(newsletters=[news], email=email, user=None,
                                  email_verified=False, now=at)  # fmt: skip
        token = tokens.confirm_token(signup_ids=result.to_confirm, email=result.email)
        services.confirm(token=token, now=at)

    join("steady@example.com", days_ago(26))
    join("returner@example.com", days_ago(22))
    services.unsubscribe(
        signup_id=news.signups.get(email="returner@example.com").pk, now=days_ago(15)
    )
    join("returner@example.com", days_ago(8))
    join("bounced@example.com", days_ago(26))
    services.suppress(email="bounced@example.com", reason=SuppressionReason.BOUNCE)
    Suppression.objects.update(created_at=days_ago(3))
    join("newcomer@example.com", days_ago(10))
    services.sign_up(newsletters=[news], email="never-confirmed@example.com", user=None,
                     email_verified=False, now=days_ago(20))  # fmt: skip
    return noon, [today - dt.timedelta(days=n) for n in (21, 14, 7, 0)]


def test_subscriber_counts_follow_readers_who_leave_come_back_or_bounce() -> None:
    news = newsletter()
    noon, days = _a_month_of_sign_ups(news)

    points = selectors.subscribers_over_time(newsletter=news, now=noon)

    # steady: every week; bounced: until its suppression 3 days ago; newcomer: from 10 days
    # ago; returner: from its return 8 days ago (a sign-up keeps only its latest spell).
    assert points == list(zip(days, [2, 2, 4, 3], strict=True))
    assert selectors.active_counts() == {news.pk: 3}


def test_the_newsletter_page_in_the_back_office_shows_those_counts(
    client: Client, editor: Any
) -> None:
    news = newsletter()
    _, days = _a_month_of_sign_ups(news)

    page = client.get(
        reverse("admin:newsletters_newsletter_change", args=[news.pk])
    ).content.decode()
    for day, count in zip(days, [2, 2, 4, 3], strict=True):
        assert f'<th scope="row">{day:%d %b %Y}</th><td>{count}</td>' in page
    listing = client.get(reverse("admin:newsletters_newsletter_changelist")).content.decode()
    assert '<td class="field-receiving">3</td>' in listing
