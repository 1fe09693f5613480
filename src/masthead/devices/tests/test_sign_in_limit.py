"""Signing in on one device too many: the publisher asks which to sign out, or signs out the
least recently used. Every browser here is a real client with its own session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from masthead.devices.models import Device, DeviceKind, OverLimitChoice, SignOutReason
from masthead.devices.selectors import active_devices, device_limit
from masthead.devices.tests.conftest import (
    IPHONE_UA,
    LAPTOP_UA,
    MAC_UA,
    PHONE_UA,
    log_in,
    signed_in,
)

pytestmark = pytest.mark.django_db

STORY = "/world/2025/06/monsoon-arrives-early/"


def test_the_limit_is_the_plans_with_every_device_and_the_readers_without(
    reader, subscriber, set_policy
):
    assert device_limit(user_id=reader.pk) == 2
    assert device_limit(user_id=subscriber.pk) == 5
    set_policy(subscriber_limit=3, reader_limit=1)
    assert device_limit(user_id=reader.pk) == 1
    assert device_limit(user_id=subscriber.pk) == 3


def test_signing_in_records_the_browser_by_name_with_first_and_last_seen(reader):
    before = timezone.now()
    browser, response = log_in(reader, agent=PHONE_UA)

    assert response.status_code == 302
    (device,) = active_devices(user_id=reader.pk)
    assert device.kind == DeviceKind.BROWSER
    assert device.name == "Chrome on Android"
    assert device.first_seen_at >= before
    assert device.last_seen_at == device.first_seen_at
    page = browser.get("/accounts/devices/").content.decode()
    assert "Chrome on Android" in page
    assert "This device" in page


def test_at_the_limit_the_reader_is_asked_and_is_not_signed_in_until_they_choose(
    reader, browser_of, set_policy
):
    set_policy(when_over_limit=OverLimitChoice.ASK)
    phone = browser_of(reader, PHONE_UA)
    laptop = browser_of(reader, LAPTOP_UA)

    tablet, response = log_in(reader, agent=IPHONE_UA, next_url=STORY)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/devices/choose/"
    assert not signed_in(tablet)
    choose = tablet.get("/accounts/devices/choose/")
    page = choose.content.decode()
    assert "You are signed in on 2 devices" in page
    assert "Chrome on Android" in page
    assert "Firefox on Windows" in page
    assert active_devices(user_id=reader.pk).count() == 2
    assert signed_in(phone)
    assert signed_in(laptop)


def test_picking_a_device_signs_it_out_and_completes_the_sign_in(reader, browser_of):
    phone = browser_of(reader, PHONE_UA)
    laptop = browser_of(reader, LAPTOP_UA)
    tablet, _ = log_in(reader, agent=IPHONE_UA, next_url=STORY)
    phone_device = Device.objects.get(user=reader, name="Chrome on Android")

    done = tablet.post("/accounts/devices/choose/", {"device": phone_device.pk})

    assert done.status_code == 302
    assert done["Location"] == STORY
    assert signed_in(tablet)
    assert signed_in(laptop)
    # The phone's very next request is signed out, and it is told why.
    after = phone.get("/accounts/me/", follow=True)
    assert after.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "You were signed out on this device from another one." in after.content.decode()
    phone_device.refresh_from_db()
    assert phone_device.signed_out_reason == SignOutReason.REPLACED
    assert sorted(d.name for d in active_devices(user_id=reader.pk)) == [
        "Firefox on Windows",
        "Safari on iPhone",
    ]


def test_cancelling_leaves_every_device_signed_in_and_this_one_out(reader, browser_of):
    phone = browser_of(reader, PHONE_UA)
    laptop = browser_of(reader, LAPTOP_UA)
    tablet, _ = log_in(reader, agent=IPHONE_UA)

    cancelled = tablet.post("/accounts/devices/choose/", {"cancel": "1"}, follow=True)

    assert cancelled.redirect_chain[-1][0] == "/accounts/login/"
    assert "You did not sign in." in cancelled.content.decode()
    assert not signed_in(tablet)
    assert signed_in(phone)
    assert signed_in(laptop)
    # The abandoned sign-in cannot be resumed by coming back to the page.
    again = tablet.post("/accounts/devices/choose/", {"device": "1"})
    assert again.status_code == 302
    assert again["Location"] == "/accounts/login/"
    assert active_devices(user_id=reader.pk).count() == 2


def test_only_the_readers_own_signed_in_devices_can_be_picked(reader, subscriber, browser_of):
    browser_of(reader, PHONE_UA)
    browser_of(reader, LAPTOP_UA)
    theirs = browser_of(subscriber, MAC_UA)
    assert theirs
    other_device = Device.objects.get(user=subscriber)
    tablet, _ = log_in(reader, agent=IPHONE_UA)

    refused = tablet.post("/accounts/devices/choose/", {"device": other_device.pk})
    nothing = tablet.post("/accounts/devices/choose/", {})

    assert refused.status_code == 400
    assert "That device is not signed in to your account any more" in refused.content.decode()
    assert nothing.status_code == 400
    assert "Choose the device to sign out, or cancel." in nothing.content.decode()
    assert not signed_in(tablet)
    assert Device.objects.get(pk=other_device.pk).signed_out_at is None
    assert active_devices(user_id=reader.pk).count() == 2


def test_the_choice_page_without_a_pending_sign_in_sends_the_reader_to_log_in(client, db):
    response = client.get("/accounts/devices/choose/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_when_the_publisher_signs_out_the_oldest_the_least_recently_used_goes(
    reader, browser_of, set_policy
):
    set_policy(when_over_limit=OverLimitChoice.SIGN_OUT_OLDEST)
    phone = browser_of(reader, PHONE_UA)
    laptop = browser_of(reader, LAPTOP_UA)
    # The phone signed in first but was used since; the laptop has been idle for a day.
    Device.objects.filter(name="Firefox on Windows").update(
        last_seen_at=timezone.now() - dt.timedelta(days=1)
    )

    tablet, response = log_in(reader, agent=IPHONE_UA, next_url=STORY)

    assert response["Location"] == STORY
    assert signed_in(tablet)
    assert signed_in(phone)
    assert not signed_in(laptop)
    laptop_device = Device.objects.get(name="Firefox on Windows")
    assert laptop_device.signed_out_reason == SignOutReason.OLDEST


def test_subscribers_have_room_for_five_devices(subscriber, browser_of):
    browsers = [browser_of(subscriber, agent) for agent in (PHONE_UA, LAPTOP_UA, MAC_UA)]
    browsers += [browser_of(subscriber, IPHONE_UA) for _ in range(2)]

    _sixth, response = log_in(subscriber, agent=PHONE_UA)

    assert response["Location"] == "/accounts/devices/choose/"
    assert all(signed_in(b) for b in browsers)
    assert active_devices(user_id=subscriber.pk).count() == 5


def test_logging_out_frees_the_devices_place(reader, browser_of):
    phone = browser_of(reader, PHONE_UA)
    browser_of(reader, LAPTOP_UA)

    phone.post("/accounts/logout/")
    tablet, response = log_in(reader, agent=IPHONE_UA)

    assert response.status_code == 302
    assert response["Location"] != "/accounts/devices/choose/"
    assert signed_in(tablet)
    assert Device.objects.get(name="Chrome on Android").signed_out_reason == SignOutReason.LOGOUT


def test_logging_in_again_on_the_same_browser_is_still_one_device(reader, browser_of):
    laptop = browser_of(reader, LAPTOP_UA)
    laptop.post("/accounts/login/", {"login": reader.email, "password": "ink-and-newsprint-42"})
    assert active_devices(user_id=reader.pk).count() == 1


def test_a_signed_out_browsers_session_is_ended_not_just_hidden(reader, browser_of):
    phone = browser_of(reader, PHONE_UA)
    laptop = browser_of(reader, LAPTOP_UA)
    phone_key = phone.session.session_key
    phone_device = Device.objects.get(name="Chrome on Android")

    laptop.post(f"/accounts/devices/{phone_device.pk}/sign-out/")
    phone.get("/")

    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not signed_in(phone)


def test_a_session_from_before_devices_were_recorded_becomes_a_device(reader, client):
    client.force_login(reader)
    assert signed_in(client)
    (device,) = active_devices(user_id=reader.pk)
    assert device.kind == DeviceKind.BROWSER
