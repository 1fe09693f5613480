"""Refunds and credit notes are shown with a minus sign (issue 13, "Money shown one way"):
on My subscription, in the refund and plan-change emails, and on the staff screens, every
figure going back to a reader comes from the one formatter with its sign. Expected strings are
worked by hand from the refund amounts the tests choose."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from masthead.billing import services
from masthead.billing.models import CreditNote, Invoice, InvoiceKind, Payment, Plan

pytestmark = pytest.mark.django_db(transaction=True)


def _refund_300(reader) -> CreditNote:
    reader.subscribe("smart-quarterly")
    payment = Payment.objects.get()
    services.refund(payment=payment, amount_minor=30_000, reason="Goodwill", idempotency_key="m1")
    return CreditNote.objects.get()


def test_my_subscription_shows_the_credit_note_with_a_minus_and_the_invoice_without(client, reader):
    note = _refund_300(reader)
    client.force_login(reader.user)
    page = client.get(reverse("billing:my_subscription")).content.decode()
    [row] = re.findall(r"<tr><td>" + re.escape(note.number) + r"</td>.*?</tr>", page)
    assert '<td class="refunded">-₹300.00</td>' in row
    # The invoice it reduces is still shown as charged: ₹900, no sign.
    invoice_row = re.findall(r"<tr><td>" + re.escape(note.invoice.number) + ".*?</tr>", page)[0]
    assert "<td>₹900</td>" in invoice_row


def test_the_refund_email_shows_the_refunded_figure_with_a_minus(reader, mailoutbox):
    reader.subscribe("smart-quarterly")
    payment = Payment.objects.get()
    mailoutbox.clear()
    services.refund(payment=payment, amount_minor=30_000, reason="Goodwill", idempotency_key="m2")
    [message] = mailoutbox
    assert "Refunded: -₹300.00" in message.body
    html = message.alternatives[0][0]
    assert "-₹300.00" in html
    # The sentence says "refunded" and so carries no sign: never "refunded -₹300".
    assert "We've refunded ₹300.00 for your Smart Quarterly subscription" in message.body
    assert "refunded -" not in message.body


def test_the_plan_change_email_shows_the_unused_part_credited_with_a_minus(reader, mailoutbox):
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=44, step_hours=24)
    mailoutbox.clear()
    services.change_plan(subscription=sub, plan=Plan.objects.get(slug="smart-essential"))
    upgrade = Invoice.objects.get(kind=InvoiceKind.PRORATION)
    [_full, less] = upgrade.lines
    credited = -int(less["amount_minor"])
    assert credited > 0
    rupees, paise = divmod(credited, 100)
    [message] = mailoutbox
    assert rupees < 1000  # under ₹1,000: no grouping separator to write by hand
    assert f"Unused part credited: -₹{rupees}.{paise:02d}" in message.body


def test_the_back_office_shows_credit_notes_with_a_minus(admin_client, reader):
    note = _refund_300(reader)
    listing = admin_client.get(reverse("admin:billing_creditnote_changelist")).content.decode()
    assert "-₹300.00" in listing
    assert note.number in listing
    # GSTR-1 page: the credit-note row is money going back: -₹300.00 value; its taxable value
    # by hand: 300 / 1.18 = 254.237… → ₹254.24, the tax ₹45.76.
    month = note.issued_at.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m")
    page = admin_client.get(reverse("billing:gstr1"), {"month": month}).content.decode()
    [row] = re.findall(r"<tr><th>Less credit notes</th>.*?</tr>", page)
    assert "<td>-₹300.00</td><td>-₹254.24</td>" in row
    [invoices] = re.findall(r"<tr><th>Invoices</th>.*?</tr>", page)
    assert "<td>₹900.00</td>" in invoices
