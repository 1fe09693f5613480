"""My subscription as a reader expects it: plan, price, status, the next charge and its amount,
the payment method (with Update where that page exists), invoices and credit notes, a plan
change with its price first, and a cancellation confirmed on its own page with an optional
reason that the back office can count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.billing import services
from masthead.billing.models import (
    CancellationReason,
    Payment,
    Subscription,
    SubscriptionStatus,
)

pytestmark = pytest.mark.django_db(transaction=True)

MY = reverse("billing:my_subscription")
CANCEL = reverse("billing:cancel")


def told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def subscriber(client, reader):
    reader.subscribe("smart-quarterly")
    client.force_login(reader.user)
    return reader


def test_the_page_shows_plan_price_status_next_charge_and_payment_method(client, subscriber):
    page = client.get(MY).content.decode()
    assert "Smart Quarterly" in page
    assert "₹900 every 3 months" in page
    assert "Active" in page
    assert "30 Apr 2026, ₹900" in page  # the next renewal and what it charges
    assert "Test card" in page
    # The payment-method page exists in this build (issue 12a): the link goes to it.
    assert '<a href="/subscribe/my/payment-method/">Update</a>' in page
    assert 'action="/subscribe/my/change/"' in page and 'method="get"' in page


def test_the_update_link_appears_where_the_payment_method_page_exists(client, subscriber, settings):
    settings.ROOT_URLCONF = "masthead.billing.tests.urls_with_payment_method_page"
    page = client.get(MY).content.decode()
    assert '<a href="/subscribe/my/payment-method/">Update</a>' in page


def test_credit_notes_are_listed_beside_the_invoices(client, subscriber):
    payment = Payment.objects.get()
    services.refund(
        payment=payment, amount_minor=30_000, reason="Delivery complaint", idempotency_key="cn1"
    )
    page = client.get(MY).content.decode()
    assert "Credit notes" in page
    assert "₹300" in page
    invoice_number = payment.invoice.number
    assert page.count(invoice_number) == 2  # its invoice row, and the credit note against it


def test_cancelling_asks_for_confirmation_first_and_changes_nothing_until_then(client, subscriber):
    page = client.get(CANCEL)
    text = page.content.decode()
    assert "Cancel Smart Quarterly?" in text
    assert "You keep reading until 30 Apr 2026. No further charge." in text
    assert "Too expensive" in text and "Taking a break" in text
    assert "Yes, cancel my subscription" in text
    sub = Subscription.objects.get()
    assert (sub.status, sub.cancel_at_period_end) == (SubscriptionStatus.ACTIVE, False)
    # My subscription links to this page rather than cancelling in one click.
    assert f'href="{CANCEL}"' in client.get(MY).content.decode()


def test_confirming_cancels_with_the_chosen_reason_and_the_readers_words(client, subscriber):
    done = client.post(
        CANCEL, {"reason_code": "too_expensive", "reason": "Cheaper elsewhere"}, follow=True
    )
    assert done.redirect_chain == [(MY, 302)]
    assert told(done) == ["Cancelled. Access until 30 Apr 2026; no further charge."]
    sub = Subscription.objects.get()
    assert sub.cancel_at_period_end
    assert sub.cancellation_reason_code == CancellationReason.TOO_EXPENSIVE
    assert sub.cancellation_reason == "Cheaper elsewhere"


def test_the_reason_is_optional(client, subscriber):
    client.post(CANCEL, {})
    sub = Subscription.objects.get()
    assert sub.cancel_at_period_end
    assert (sub.cancellation_reason_code, sub.cancellation_reason) == ("", "")


def test_an_unknown_reason_is_refused_with_the_form_and_nothing_cancelled(client, subscriber):
    response = client.post(CANCEL, {"reason_code": "because"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Subscription.objects.get().cancel_at_period_end


def test_the_back_office_counts_readers_by_cancellation_reason(admin_client, reader_factory):
    reasons = ["too_expensive", "too_expensive", "not_reading", ""]
    for code in reasons:
        reader = reader_factory()
        sub = reader.subscribe("smart-quarterly")
        services.cancel(subscription=sub, reason_code=CancellationReason(code))
    listing = admin_client.get(reverse("admin:billing_subscription_changelist")).content.decode()
    assert "Too expensive (2)" in listing
    assert "I don&#x27;t read enough (1)" in listing or "I don't read enough (1)" in listing
    filtered = admin_client.get(
        reverse("admin:billing_subscription_changelist"),
        {"cancellation_reason_code__exact": "too_expensive"},
    )
    assert filtered.context["cl"].result_count == 2


def test_undoing_a_cancellation_forgets_its_reason(client, subscriber):
    client.post(CANCEL, {"reason_code": "temporary"})
    client.post(reverse("billing:undo_cancel"))
    sub = Subscription.objects.get()
    assert not sub.cancel_at_period_end
    assert sub.cancellation_reason_code == ""


def test_the_next_charge_shown_includes_gst_when_it_is_added_on_top(client, reader, settings):
    settings.PRICES_INCLUDE_TAX = False  # ₹900 plus 18% GST: 106,200 paise each renewal
    reader.subscribe("smart-quarterly")
    client.force_login(reader.user)
    page = client.get(MY).content.decode()
    assert "30 Apr 2026, ₹1,062" in page


@pytest.mark.parametrize(
    ("slug", "price"),
    [("smart-essential", "₹2,700 every year"), ("super-saver", "₹3,900 every 2 years")],
)
def test_the_price_is_said_per_year_for_yearly_plans(client, reader, slug, price):
    reader.subscribe(slug)
    client.force_login(reader.user)
    assert price in client.get(MY).content.decode()
