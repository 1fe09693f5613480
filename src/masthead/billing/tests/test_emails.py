"""Billing emails: right reader, clear subject, text and HTML, exact amounts and Indian dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from masthead.billing import emails
from masthead.billing.models import (
    Customer,
    Invoice,
    Plan,
    PreDebitNotice,
    Subscription,
)

IST = ZoneInfo("Asia/Kolkata")
START = dt.datetime(2026, 11, 25, tzinfo=IST)
END = dt.datetime(2027, 11, 25, tzinfo=IST)


@pytest.fixture
def subscription(db):
    user = get_user_model().objects.create_user(
        username="asha", email="asha@example.com", password="correct horse battery"
    )
    customer = Customer.objects.create(
        user=user,
        name="Asha Rao",
        state_code="27",
        payment_method="pm_live_secret_token_abc123",
        payment_method_label="Visa ending 4242",
    )
    plan, _ = Plan.objects.get_or_create(
        slug="smart-essential", defaults={"name": "Smart Essential", "period_months": 12}
    )
    return Subscription.objects.create(
        customer=customer,
        plan=plan,
        currency="INR",
        amount_minor=270_000,
        status="active",
        anchor=START,
        current_period_start=START,
        current_period_end=END,
    )


def make_invoice(subscription, *, kind="initial", start=START, end=END, number="ML/2627/000001"):
    return Invoice.objects.create(
        customer=subscription.customer,
        subscription=subscription,
        kind=kind,
        status="paid",
        period_start=start,
        period_end=end,
        currency="INR",
        total_minor=270_000,
        taxable_minor=228_814,
        cgst_minor=20_593,
        sgst_minor=20_593,
        tax_rate_bp=1800,
        description="Smart Essential — 1 year digital subscription, 25 Nov 2026 – 24 Nov 2027",
        number=number,
        financial_year="2026-27",
        sequence=int(number.rsplit("/", 1)[1]),
        seller={
            "legal_name": "Meridian Ledger Media Private Limited",
            "address": "4th Floor, Ledger House, Nariman Point, Mumbai 400021",
            "gstin": "27AABCM1234F1ZX",
            "state_code": "27",
            "state_name": "Maharashtra",
        },
        buyer={
            "name": "Asha Rao",
            "email": "asha@example.com",
            "state_code": "27",
            "state_name": "Maharashtra",
            "gstin": "",
        },
        issued_at=dt.datetime(2026, 11, 25, 9, 0, tzinfo=IST),
    )


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_well_formed(message, *, subject: str) -> str:
    """Right recipient and subject, a plain-text body and an HTML part; returns the HTML."""
    assert message.to == ["asha@example.com"]
    assert message.subject == subject
    assert message.body.strip()
    assert "<html" not in message.body
    html = html_of(message)
    assert html.lstrip().startswith("<!doctype html>")
    assert 'name="viewport"' in html
    assert "<link" not in html  # inline styles only
    assert "The Meridian Ledger" in html
    assert "pm_live_secret_token_abc123" not in message.body + html
    return html


def test_receipt_attaches_the_tax_invoice(subscription, mailoutbox):
    invoice = make_invoice(subscription)

    emails.send_receipt(invoice_id=invoice.pk)

    [message] = mailoutbox
    html = assert_well_formed(message, subject="Your Meridian Ledger receipt (ML/2627/000001)")
    for part in (message.body, html):
        assert "Your receipt and tax invoice" in part
        assert "Smart Essential" in part
        assert "25 Nov 2026 – 24 Nov 2027" in part
        assert "₹2,700.00" in part
        assert "ML/2627/000001" in part
    [(filename, content, mimetype)] = message.attachments
    assert filename == "ML-2627-000001.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_receipt_for_an_unissued_invoice_is_not_sent(subscription, mailoutbox):
    invoice = make_invoice(subscription)
    Invoice.objects.filter(pk=invoice.pk).update(status="open", number=None, sequence=None)

    emails.send_receipt(invoice_id=invoice.pk)

    assert mailoutbox == []


def test_pre_debit_notice_states_amount_date_and_how_to_cancel(subscription, mailoutbox):
    notice = PreDebitNotice.objects.create(
        subscription=subscription,
        period_start=END,
        amount_minor=270_000,
        currency="INR",
        # 20:00 UTC on 24 Nov is 01:30 on 25 Nov in India: the notice names the Indian day.
        charge_on=dt.datetime(2027, 11, 24, 20, 0, tzinfo=dt.UTC),
        sent_at=dt.datetime(2027, 11, 22, 10, 0, tzinfo=IST),
    )

    emails.send_pre_debit_notice(notice_id=notice.pk)

    [message] = mailoutbox
    html = assert_well_formed(
        message,
        subject=(
            "Upcoming charge of ₹2,700.00 on 25 Nov 2027 for your Meridian Ledger subscription"
        ),
    )
    for part in (message.body, html):
        assert "₹2,700.00" in part
        assert "INR" in part
        assert "25 Nov 2027" in part
        assert "24 Nov 2027" not in part
        assert "Meridian Ledger Media Private Limited" in part  # the merchant
        assert "Smart Essential" in part
        assert f"subscription no. {subscription.pk}" in part  # the reference
        assert "Renewal of your Smart Essential digital subscription" in part  # the purpose
        assert "http://127.0.0.1:8000/subscribe/my/" in part  # how to cancel
        assert "Visa ending 4242" in part
    assert message.attachments == []


def test_pre_debit_notice_never_shows_a_card_number(subscription, mailoutbox):
    subscription.customer.payment_method_label = "4111 1111 1111 1111"
    subscription.customer.save()
    notice = PreDebitNotice.objects.create(
        subscription=subscription,
        period_start=END,
        amount_minor=270_000,
        currency="INR",
        charge_on=END,
        sent_at=START,
    )

    emails.send_pre_debit_notice(notice_id=notice.pk)

    [message] = mailoutbox
    assert "4111" not in message.body + html_of(message)


def test_renewal_succeeded_names_the_new_period_and_attaches_the_invoice(subscription, mailoutbox):
    new_end = dt.datetime(2028, 11, 25, tzinfo=IST)
    subscription.current_period_start = END
    subscription.current_period_end = new_end
    subscription.save()
    invoice = make_invoice(
        subscription, kind="recurring", start=END, end=new_end, number="ML/2027-28/000042"
    )

    emails.send_renewal_succeeded(invoice_id=invoice.pk)

    [message] = mailoutbox
    html = assert_well_formed(
        message, subject="Your Meridian Ledger subscription has renewed (ML/2027-28/000042)"
    )
    for part in (message.body, html):
        assert "renewed" in part
        assert "25 Nov 2027 – 24 Nov 2028" in part
        assert "25 Nov 2028" in part  # the next renewal
        assert "₹2,700.00" in part
        assert "ML/2027-28/000042" in part
    [(filename, content, mimetype)] = message.attachments
    assert filename == "ML-2027-28-000042.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_payment_failed_says_what_the_bank_said_and_how_to_pay(subscription, mailoutbox):
    subscription.status = "past_due"
    # 19:00 UTC on 27 Nov is already 28 Nov in India.
    subscription.grace_until = dt.datetime(2027, 11, 27, 19, 0, tzinfo=dt.UTC)
    subscription.save()

    emails.send_payment_failed(
        subscription_id=subscription.pk, failure_message="Insufficient funds <in account>"
    )

    [message] = mailoutbox
    html = assert_well_formed(message, subject="Your Meridian Ledger payment didn't go through")
    assert "Insufficient funds <in account>" in message.body
    assert "Insufficient funds &lt;in account&gt;" in html  # escaped in HTML
    for part in (message.body, html):
        assert "₹2,700.00" in part
        assert "28 Nov 2027" in part
        assert "http://127.0.0.1:8000/subscribe/my/pay/" in part


def test_payment_failed_without_grace_makes_no_promise(subscription, mailoutbox):
    emails.send_payment_failed(subscription_id=subscription.pk, failure_message="Declined")

    [message] = mailoutbox
    assert "continues until" not in message.body
    assert "Declined" in message.body


def test_cancellation_confirmed_says_access_until_the_period_end(subscription, mailoutbox):
    # Midnight in India on 24 Feb is still 23 Feb in UTC: the email must say 24 Feb.
    subscription.current_period_end = dt.datetime(2027, 2, 24, tzinfo=IST)
    subscription.cancel_at_period_end = True
    subscription.save()

    emails.send_cancellation_confirmed(subscription_id=subscription.pk)

    [message] = mailoutbox
    html = assert_well_formed(
        message,
        subject="Your Meridian Ledger subscription is cancelled: access until 24 Feb 2027",
    )
    for part in (message.body, html):
        assert "Access until 24 Feb 2027" in part
        assert "no further charge" in part
        assert "resume" in part  # how to undo
        assert "http://127.0.0.1:8000/subscribe/my/" in part
        assert "23 Feb" not in part


def test_access_ending_soon_links_to_subscribe_again(subscription, mailoutbox):
    subscription.current_period_end = dt.datetime(2027, 2, 24, 10, 0, tzinfo=IST)
    subscription.cancel_at_period_end = True
    subscription.save()

    emails.send_access_ending_soon(subscription_id=subscription.pk)

    [message] = mailoutbox
    html = assert_well_formed(message, subject="Your Meridian Ledger access ends on 24 Feb 2027")
    for part in (message.body, html):
        assert "ends on 24 Feb 2027" in part
        assert "http://127.0.0.1:8000/subscribe/" in part


def test_plain_text_is_not_html_escaped(subscription, mailoutbox):
    subscription.plan.name = "Reader's Choice & More"
    subscription.plan.save()

    emails.send_cancellation_confirmed(subscription_id=subscription.pk)

    [message] = mailoutbox
    assert "Reader's Choice & More" in message.body
    assert "&amp;" not in message.body
    assert "Reader&#x27;s Choice &amp; More" in html_of(message)


@pytest.mark.parametrize(
    ("send", "kwargs"),
    [
        (emails.send_receipt, {"invoice_id": 987_654}),
        (emails.send_renewal_succeeded, {"invoice_id": 987_654}),
        (emails.send_pre_debit_notice, {"notice_id": 987_654}),
        (emails.send_payment_failed, {"subscription_id": 987_654, "failure_message": "x"}),
        (emails.send_cancellation_confirmed, {"subscription_id": 987_654}),
        (emails.send_access_ending_soon, {"subscription_id": 987_654}),
    ],
)
def test_a_missing_row_sends_nothing(db, mailoutbox, send, kwargs):
    send(**kwargs)

    assert mailoutbox == []
