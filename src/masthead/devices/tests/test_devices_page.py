"""The devices page: every signed-in device, sign out one or all others; passwords too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.accounts.tests.helpers import audit, link_in
from masthead.devices import services
from masthead.devices.models import Device, SignOutReason
from masthead.devices.selectors import (
    SESSION_SEEN_KEY,
    active_devices,
    browser_still_signed_in,
)
from masthead.devices.tests.conftest import (
    IPHONE_UA,
    LAPTOP_UA,
    PASSWORD,
    PHONE_UA,
    signed_in,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-broadsheet-77"


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))


def test_the_page_needs_a_login(client):
    response = client.get("/accounts/devices/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/devices/"


def test_the_page_lists_each_device_with_first_and_last_seen_and_the_limit(subscriber, browser_of):
    phone = browser_of(subscriber, PHONE_UA)
    browser_of(subscriber, LAPTOP_UA)
    services.issue_app_token(user_id=subscriber.pk, name="Priya's iPad")
    laptop = Device.objects.get(name="Firefox on Windows")
    laptop.first_seen_at = dt.datetime(2026, 3, 1, 4, 30, tzinfo=dt.UTC)
    laptop.last_seen_at = dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC)
    laptop.save()

    response = phone.get("/accounts/devices/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "up to <strong>5 devices</strong> at once" in page
    assert "Access on every device" in page
    # Shown in the publisher's time zone (Asia/Kolkata, UTC+5:30).
    assert "First signed in 1 Mar 2026, 10:00 · last seen 2 Mar 2026, 10:00" in page
    assert 'Priya&#x27;s iPad</span> <span class="device-kind">(app)' in page
    assert page.count("This device") == 1
    assert page.count(">Sign out</button>") == 2  # not for this browser: that is Log out
    assert audit(response).unlabelled_inputs() == []


def test_a_reader_without_the_benefit_sees_their_smaller_limit_and_the_plans(reader, browser_of):
    page = browser_of(reader, PHONE_UA).get("/accounts/devices/").content.decode()
    assert "up to <strong>2 devices</strong> at once" in page
    assert "/subscribe/" in page


def test_signing_out_one_device_signs_out_that_one_only(subscriber, browser_of):
    phone = browser_of(subscriber, PHONE_UA)
    laptop = browser_of(subscriber, LAPTOP_UA)
    tablet = browser_of(subscriber, IPHONE_UA)
    target = Device.objects.get(name="Firefox on Windows")

    response = phone.post(f"/accounts/devices/{target.pk}/sign-out/", follow=True)

    assert "Signed out Firefox on Windows." in response.content.decode()
    assert not signed_in(laptop)
    assert signed_in(phone)
    assert signed_in(tablet)
    again = phone.post(f"/accounts/devices/{target.pk}/sign-out/", follow=True)
    assert "That device is already signed out." in again.content.decode()


def test_a_reader_cannot_sign_out_someone_elses_device(reader, subscriber, browser_of):
    theirs = browser_of(subscriber, PHONE_UA)
    mine = browser_of(reader, LAPTOP_UA)
    their_device = Device.objects.get(user=subscriber)

    response = mine.post(f"/accounts/devices/{their_device.pk}/sign-out/", follow=True)

    assert "That device is already signed out." in response.content.decode()
    assert signed_in(theirs)


def test_sign_out_all_others_keeps_only_this_browser_and_ends_app_tokens(
    subscriber, browser_of, client
):
    phone = browser_of(subscriber, PHONE_UA)
    laptop = browser_of(subscriber, LAPTOP_UA)
    issued = services.issue_app_token(user_id=subscriber.pk, name="Tablet app")

    response = phone.post("/accounts/devices/sign-out-others/", follow=True)

    assert "Signed out 2 other devices." in response.content.decode()
    assert signed_in(phone)
    assert not signed_in(laptop)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.token}").status_code == 401


def test_device_pages_refuse_get_for_changes_and_need_csrf(subscriber, browser_of):
    phone = browser_of(subscriber, PHONE_UA)
    assert phone.get("/accounts/devices/sign-out-others/").status_code == 405
    phone.handler.enforce_csrf_checks = True
    assert phone.post("/accounts/devices/sign-out-others/").status_code == 403


def test_changing_the_password_signs_out_the_other_devices_and_apps(subscriber, browser_of, client):
    phone = browser_of(subscriber, PHONE_UA)
    laptop = browser_of(subscriber, LAPTOP_UA)
    issued = services.issue_app_token(user_id=subscriber.pk, name="Tablet app")

    changed = phone.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    assert signed_in(phone)
    assert not signed_in(laptop)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.token}").status_code == 401
    (kept,) = active_devices(user_id=subscriber.pk)
    assert kept.name == "Chrome on Android"
    assert set(
        Device.objects.filter(signed_out_at__isnull=False).values_list(
            "signed_out_reason", flat=True
        )
    ) == {SignOutReason.PASSWORD}


def test_resetting_the_password_signs_out_every_device(subscriber, browser_of, client):
    phone = browser_of(subscriber, PHONE_UA)
    issued = services.issue_app_token(user_id=subscriber.pk, name="Tablet app")

    client.post("/accounts/password/reset/", {"email": subscriber.email})
    reset_link = link_in(mail.outbox[-1])
    form_page = client.get(reset_link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    subscriber.refresh_from_db()
    assert subscriber.check_password(NEW_PASSWORD)
    assert not signed_in(phone)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.token}").status_code == 401
    assert not active_devices(user_id=subscriber.pk).exists()


def test_last_seen_is_written_at_most_every_few_minutes(subscriber, browser_of):
    phone = browser_of(subscriber, PHONE_UA)
    device = Device.objects.get(user=subscriber)

    with CaptureQueriesContext(connection) as queries:
        phone.get("/")
        phone.get("/")
    writes = [q["sql"] for q in queries.captured_queries if is_write(q["sql"])]
    assert writes == []  # neither the device nor the session

    # Five minutes on: the next request writes last seen (and when, into the session), once.
    session = phone.session
    session[SESSION_SEEN_KEY] -= int(services.TOUCH_EVERY.total_seconds()) + 1
    session.save()
    stale = timezone.now() - services.TOUCH_EVERY - dt.timedelta(seconds=1)
    Device.objects.filter(pk=device.pk).update(last_seen_at=stale)
    phone.get("/")
    with CaptureQueriesContext(connection) as queries:
        phone.get("/")
    device.refresh_from_db()
    assert device.last_seen_at > stale + dt.timedelta(seconds=2)
    assert not [q for q in queries.captured_queries if is_write(q["sql"])]


def test_noting_a_browser_seen_writes_only_when_it_is_due(subscriber):
    session = SessionStore()
    device = services.register_browser(user_id=subscriber.pk, session=session, user_agent="")
    seen = device.last_seen_at

    services.note_browser_seen(
        session=session, device_id=device.pk, now=seen + dt.timedelta(minutes=4)
    )
    device.refresh_from_db()
    assert device.last_seen_at == seen
    later = seen + dt.timedelta(minutes=6)
    services.note_browser_seen(session=session, device_id=device.pk, now=later)
    device.refresh_from_db()
    assert device.last_seen_at == later


def test_a_browser_is_signed_in_only_while_its_device_is(subscriber, reader):
    device = services.register_browser(user_id=subscriber.pk, session=SessionStore(), user_agent="")

    assert browser_still_signed_in(device_id=device.pk, user_id=subscriber.pk)
    assert not browser_still_signed_in(device_id=device.pk, user_id=reader.pk)
    services.sign_out_device(user_id=subscriber.pk, device_id=device.pk)
    assert not browser_still_signed_in(device_id=device.pk, user_id=subscriber.pk)


def test_your_benefits_links_to_this_page_for_every_device():
    from django.urls import reverse

    from masthead.access import ways_in
    from masthead.access.models import Benefit

    (way,) = [w for w in ways_in.ways_in(benefit=Benefit.DEVICES) if w.url_name == "devices:list"]
    assert way.label == "Your devices"
    assert reverse(way.url_name) == "/accounts/devices/"


def test_my_account_links_to_the_devices_page(reader, browser_of):
    page = browser_of(reader, PHONE_UA).get("/accounts/me/").content.decode()
    assert 'href="/accounts/devices/"' in page
