"""Who gets a partner code, when, and how: exactly one each, shown, emailed, never logged."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse

from masthead.access.models import GrantSource
from masthead.billing import demo as billing_demo
from masthead.billing import services as billing
from masthead.billing.clock import advance
from masthead.billing.models import PlanPrice, TestClock
from masthead.ops import testing
from masthead.partners import services
from masthead.partners.models import PartnerCode

from .conftest import codes, csv_of, holder, make_pool

pytestmark = pytest.mark.django_db


def test_a_subscriber_gets_one_code_and_keeps_getting_the_same_one(
    pool, django_capture_on_commit_callbacks, mailoutbox
):
    reader = holder()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.claim_code(user=reader, pool=pool)
    again = services.claim_code(user=reader, pool=pool)
    assert again.pk == first.pk
    assert PartnerCode.objects.filter(claimed_by=reader).count() == 1
    assert first.code in codes(5)
    [message] = mailoutbox
    assert message.to == [reader.email]
    assert first.code in message.body
    assert "https://deccanreview.example/redeem" in message.body


def test_two_readers_never_share_a_code(pool):
    one, two = holder(), holder()
    assert (
        services.claim_code(user=one, pool=pool).pk != services.claim_code(user=two, pool=pool).pk
    )


def test_the_code_is_shown_on_the_readers_page_and_claimed_when_they_open_it(pool, client):
    reader = holder()
    client.force_login(reader)
    page = client.get(reverse("partners:mine")).content.decode()
    code = PartnerCode.objects.get(claimed_by=reader)
    assert f"<code>{code.code}</code>" in page
    assert "Redeem with The Deccan Review" in page
    assert "no-cache" in client.get(reverse("partners:mine"))["Cache-Control"]


def test_readers_without_the_partner_benefit_get_no_code_and_are_shown_the_plans(pool, client):
    reader = testing.reader_account()
    with pytest.raises(services.NotEligible):
        services.claim_code(user=reader, pool=pool)
    client.force_login(reader)
    page = client.get(reverse("partners:mine")).content.decode()
    assert "comes with our subscriptions" in page
    assert not PartnerCode.objects.filter(claimed_by__isnull=False).exists()


def test_after_n_paid_days_counts_from_the_subscription_start_on_its_clock(db, client):
    """A real checkout writes the grants; the reader's test clock moves the days."""
    billing_demo.load()
    pool = make_pool(min_paid_days=30)
    reader = testing.reader_account()
    start = dt.datetime(2026, 3, 1, 6, 30, tzinfo=dt.UTC)
    clock = TestClock.objects.create(name="partner days", frozen_time=start)
    customer = billing.ensure_customer(user=reader)
    customer.test_clock = clock
    customer.save()
    billing.checkout(
        user=reader,
        price=PlanPrice.objects.get(plan__slug="smart-quarterly", currency="INR"),
        payment_method="pm_sandbox_4242424242424242",
        payment_method_label="Test card",
        checkout_key="partner-days-checkout",
    )
    with pytest.raises(services.NotEligible) as early:
        services.claim_code(user=reader, pool=pool)
    assert early.value.eligibility.why == services.Why.TOO_SOON
    assert early.value.eligibility.ready_at.date() == dt.date(2026, 3, 31)
    client.force_login(reader)
    assert (
        "Your code arrives on 31 March 2026"
        in client.get(reverse("partners:mine")).content.decode()
    )

    advance(clock, by=dt.timedelta(days=29, hours=23))
    with pytest.raises(services.NotEligible):
        services.claim_code(user=reader, pool=pool)
    advance(clock, by=dt.timedelta(hours=2))
    assert services.claim_code(user=reader, pool=pool).claimed_by == reader


def test_a_comped_reader_has_no_paid_days_but_gets_codes_from_a_pool_without_a_wait(db):
    comped = holder(source=GrantSource.COMPLIMENTARY, days_ago=200)
    waiting_pool = make_pool(min_paid_days=30, name="After a month")
    with pytest.raises(services.NotEligible) as refused:
        services.claim_code(user=comped, pool=waiting_pool)
    assert refused.value.eligibility.why == services.Why.NOT_PAID
    assert services.claim_code(user=comped, pool=make_pool(name="At once")).claimed_by == comped


def test_an_empty_pool_says_the_code_is_on_its_way(db, client):
    pool = make_pool(count=1)
    services.claim_code(user=holder(), pool=pool)
    late = holder()
    with pytest.raises(services.PoolEmpty):
        services.claim_code(user=late, pool=pool)
    client.force_login(late)
    assert "Your code is on its way" in client.get(reverse("partners:mine")).content.decode()


def test_the_sweep_gives_each_eligible_reader_one_code_and_emails_it_once(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    pool = make_pool(count=3)
    readers = [holder() for _ in range(4)]
    bystander = testing.reader_account()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.assign_codes()
    assert (first.assigned, first.waiting) == (3, 1)
    assert not PartnerCode.objects.filter(claimed_by=bystander).exists()
    assert len(mailoutbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        second = services.assign_codes()
    assert (second.assigned, second.waiting) == (0, 1)
    assert len(mailoutbox) == 3
    claimed = list(PartnerCode.objects.filter(pool=pool).values_list("claimed_by", flat=True))
    assert len(set(claimed)) == 3
    assert set(claimed) <= {r.pk for r in readers}
    # New codes arrive: the waiting reader gets one at the next sweep.
    services.upload_codes(pool=pool, raw=csv_of(["MORE-0001"]), uploaded_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assign_codes().assigned == 1
    assert len(mailoutbox) == 4


def test_one_sweep_reaches_every_eligible_reader_however_many_still_wait(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    """More readers inside the pool's 30 days than a batch holds, and they come first by id:
    they must not hide the readers whose month is up."""
    pool = make_pool(count=10, min_paid_days=30)
    for _ in range(7):
        holder(days_ago=5)
    due = [holder(days_ago=40) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.assign_codes(batch_size=3)

    assert report.assigned == 4
    claimed = PartnerCode.objects.filter(pool=pool, claimed_by__isnull=False)
    assert sorted(claimed.values_list("claimed_by", flat=True)) == [r.pk for r in due]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in due)


def test_a_sweep_gives_out_the_last_codes_counts_who_waits_and_ends(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    pool = make_pool(count=2)
    readers = [holder() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.assign_codes(batch_size=2)

    assert (report.assigned, report.waiting) == (2, 3)
    assert PartnerCode.objects.filter(pool=pool, claimed_by__in=readers).count() == 2
    assert len(mailoutbox) == 2


def test_emailing_a_code_twice_sends_it_once(pool, django_capture_on_commit_callbacks, mailoutbox):
    from masthead.partners import emails

    with django_capture_on_commit_callbacks(execute=True):
        code = services.claim_code(user=holder(), pool=pool)
    assert emails.send_partner_code(code_id=code.pk) is False
    assert len(mailoutbox) == 1


def test_codes_never_reach_the_logs(
    db, caplog, client, django_capture_on_commit_callbacks, mailoutbox
):
    caplog.set_level(logging.DEBUG)
    pool = make_pool(count=0)
    staff = testing.reader_account("staff-logs@example.com")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    every = codes(4, prefix="SECRETCODE")
    client.post(
        reverse("admin:partners_partnerpool_upload", args=[pool.pk]),
        {"file": SimpleUploadedFile("c.csv", csv_of([*every, every[0]]))},
    )  # refused: a repeat
    client.post(
        reverse("admin:partners_partnerpool_upload", args=[pool.pk]),
        {"file": SimpleUploadedFile("c.csv", csv_of(every))},
    )
    swept, visitor = holder(), holder()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_codes()  # gives both readers a code...
    client.force_login(visitor)
    client.get(reverse("partners:mine"))  # ...which the page shows
    client.force_login(staff)
    page = client.get(reverse("admin:partners_partnercode_changelist")).content.decode()
    assert len(mailoutbox) == 2
    assert set(PartnerCode.objects.values_list("claimed_by", flat=True)) >= {swept.pk, visitor.pk}
    assert "partner code #" in caplog.text  # the claims and emails were logged...
    for code in PartnerCode.objects.all():
        assert code.code not in caplog.text  # ...without any code
        assert code.code not in str(code) and code.code not in repr(code)
        assert code.code not in page  # the back office shows them masked
        assert code.masked in page
