"""The billing back office: staff see money formatted and change things only through services."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from masthead.access.models import Benefit, Grant, GrantSource
from masthead.access.selectors import active_benefits
from masthead.access.services import CompDuration, comp_ends_at
from masthead.billing import services
from masthead.billing.admin import money, parse_amount
from masthead.billing.models import (
    BillingEvent,
    CreditNote,
    EndReason,
    Invoice,
    InvoiceStatus,
    Payment,
    Plan,
    PlanPrice,
    PreDebitNotice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
    WebhookEvent,
)
from masthead.ops import testing

from .conftest import DECLINED, START

pytestmark = pytest.mark.django_db(transaction=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def only_payment(sub: Subscription) -> Payment:
    return Payment.objects.get(invoice__subscription=sub)


def refund_page(client, payment: Payment) -> tuple[str, str]:
    url = reverse("admin:billing_payment_refund", args=[payment.pk])
    page = client.get(url)
    assert page.status_code == 200
    return url, page.context["form"].initial["idempotency_key"]


# --- Amounts ------------------------------------------------------------------------------


def test_amounts_are_shown_with_paise_and_typed_amounts_parse_exactly_without_float():
    assert money(270_000, "INR") == "₹2,700.00"
    assert money(22_191_750, "INR") == "₹2,21,917.50"
    assert parse_amount("450.00", currency="INR") == 45_000
    assert parse_amount(" ₹1,450.5 ", currency="INR") == 145_050
    assert parse_amount("0.29", currency="INR") == 29  # 0.29 * 100 is 28.999… in float
    assert parse_amount("45", currency="USD") == 4_500
    for bad in ("450.001", "-5", "1e3", "NaN", "abc", "0", "0.00", ""):
        with pytest.raises(forms.ValidationError):
            parse_amount(bad, currency="INR")


# --- Subscriptions ------------------------------------------------------------------------


def test_the_subscription_list_filters_by_status_and_shows_the_renewal_formatted(
    admin_client, reader_factory
):
    active = reader_factory()
    active.subscribe("smart-essential")
    ended = reader_factory()
    services.staff_end_now(subscription=ended.subscribe("smart-quarterly"), refund_unused=False)
    url = reverse("admin:billing_subscription_changelist")

    shown = admin_client.get(url, {"status__exact": "active"})
    assert [s.customer.user.email for s in shown.context["cl"].result_list] == [active.user.email]
    assert "₹2,700.00" in shown.content.decode()

    shown = admin_client.get(url, {"status__exact": "ended"})
    assert [s.customer.user.email for s in shown.context["cl"].result_list] == [ended.user.email]

    shown = admin_client.get(url, {"q": ended.user.email})
    assert [s.customer.user.email for s in shown.context["cl"].result_list] == [ended.user.email]


def test_the_subscription_page_is_read_only_with_timeline_invoices_and_payments(
    admin_client, reader
):
    sub = reader.subscribe("smart-essential")
    url = reverse("admin:billing_subscription_change", args=[sub.pk])
    page = admin_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in body  # view only: state changes through the buttons
    assert "Billing timeline" in body and "payment_succeeded" in body
    assert Invoice.objects.get(subscription=sub).number in body
    assert only_payment(sub).idempotency_key in body
    assert reverse("admin:billing_subscription_manage", args=[sub.pk, "end-refund"]) in body

    refused = admin_client.post(url, {"status": "ended", "amount_minor": "1"})
    assert refused.status_code == 403
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.amount_minor == 270_000


def test_staff_end_now_with_refund_confirms_the_amount_then_ends_and_refunds_it(
    admin_client, reader
):
    sub = reader.subscribe("smart-essential")
    reader.advance(days=73, step_hours=24)
    payment = only_payment(sub)
    # By hand: the year 31 Jan 2026 → 31 Jan 2027 has 365 days, 73 are gone, so 292/365 of
    # ₹2,700 is unused: 270,000 × 292 / 365 = 216,000 paise (₹2,160).
    assert payment.invoice.period_end - reader.now() == dt.timedelta(days=292)
    expected = 216_000
    url = reverse("admin:billing_subscription_manage", args=[sub.pk, "end-refund"])

    confirm = admin_client.get(url)
    assert f"Refund: {money(expected, 'INR')}" in confirm.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE  # showing the page changed nothing

    done = admin_client.post(url, {"note": "Duplicate account"}, follow=True)
    sub.refresh_from_db()
    payment.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert sub.end_reason == EndReason.STAFF
    assert payment.refunded_minor == expected
    assert CreditNote.objects.get(payment=payment).amount_minor == expected
    assert SandboxCharge.objects.get().refunded_minor == expected
    assert any(money(expected, "INR") in m for m in messages_of(done))
    ended = BillingEvent.objects.get(subscription=sub, kind="ended")
    assert "by admin: Duplicate account" in ended.message

    again = admin_client.post(url, {"note": ""}, follow=True)
    assert "This subscription has already ended." in messages_of(again)
    payment.refresh_from_db()
    assert payment.refunded_minor == expected
    assert CreditNote.objects.count() == 1


def test_staff_end_now_without_refund_refunds_nothing(admin_client, reader):
    sub = reader.subscribe("smart-essential")
    url = reverse("admin:billing_subscription_manage", args=[sub.pk, "end"])
    admin_client.post(url, {"note": ""})
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert only_payment(sub).refunded_minor == 0
    assert not CreditNote.objects.exists()


def test_cancel_at_period_end_and_undo_from_the_subscription_page(admin_client, reader):
    sub = reader.subscribe("smart-essential")
    manage = "admin:billing_subscription_manage"

    undo_first = admin_client.post(reverse(manage, args=[sub.pk, "undo-cancel"]), follow=True)
    assert "There is no cancellation to undo." in messages_of(undo_first)

    cancelled = admin_client.post(reverse(manage, args=[sub.pk, "cancel"]), follow=True)
    sub.refresh_from_db()
    assert sub.cancel_at_period_end
    assert sub.status == SubscriptionStatus.ACTIVE
    assert any("Cancelled at period end" in m for m in messages_of(cancelled))

    admin_client.post(reverse(manage, args=[sub.pk, "undo-cancel"]))
    sub.refresh_from_db()
    assert not sub.cancel_at_period_end


def test_the_list_actions_cancel_and_undo_through_the_services(admin_client, reader):
    sub = reader.subscribe("smart-essential")
    url = reverse("admin:billing_subscription_changelist")
    admin_client.post(url, {"action": "cancel_at_period_end_action", "_selected_action": [sub.pk]})
    sub.refresh_from_db()
    assert sub.cancel_at_period_end
    admin_client.post(url, {"action": "undo_cancellation_action", "_selected_action": [sub.pk]})
    sub.refresh_from_db()
    assert not sub.cancel_at_period_end


# --- Refunds ------------------------------------------------------------------------------


def test_a_partial_refund_refunds_exactly_that_amount_with_a_credit_note(admin_client, reader):
    payment = only_payment(reader.subscribe("smart-essential"))
    url, key = refund_page(admin_client, payment)
    done = admin_client.post(
        url,
        {"amount": "450.00", "reason": "Delivery complaint", "idempotency_key": key},
        follow=True,
    )
    payment.refresh_from_db()
    assert payment.refunded_minor == 45_000
    note = CreditNote.objects.get(payment=payment)
    assert note.amount_minor == 45_000
    assert note.reason == "Delivery complaint"
    assert SandboxCharge.objects.get().refunded_minor == 45_000
    assert any(m.startswith("Refunded ₹450.00") and note.number in m for m in messages_of(done))


def test_a_refund_larger_than_what_is_left_is_refused_with_the_message_and_changes_nothing(
    admin_client, reader
):
    payment = only_payment(reader.subscribe("smart-essential"))
    url, key = refund_page(admin_client, payment)
    admin_client.post(url, {"amount": "2000", "reason": "Goodwill", "idempotency_key": key})
    payment.refresh_from_db()
    assert payment.refunded_minor == 200_000

    url, key = refund_page(admin_client, payment)
    refused = admin_client.post(
        url, {"amount": "700.01", "reason": "Too much", "idempotency_key": key}
    )
    assert refused.status_code == 200
    assert "At most ₹700 of this payment is left to refund; enter that or less." in messages_of(
        refused
    )
    assert "₹700.00" in refused.content.decode()  # what is left, shown on the page
    payment.refresh_from_db()
    assert payment.refunded_minor == 200_000
    assert CreditNote.objects.count() == 1
    assert SandboxCharge.objects.get().refunded_minor == 200_000


def test_sending_the_same_refund_form_twice_refunds_once(admin_client, reader):
    payment = only_payment(reader.subscribe("smart-essential"))
    url, key = refund_page(admin_client, payment)
    data = {"amount": "450.00", "reason": "Delivery complaint", "idempotency_key": key}
    admin_client.post(url, data)
    second = admin_client.post(url, data, follow=True)
    payment.refresh_from_db()
    assert payment.refunded_minor == 45_000
    assert CreditNote.objects.count() == 1
    assert SandboxCharge.objects.get().refunded_minor == 45_000
    assert any("already made" in m for m in messages_of(second))


def test_a_badly_typed_amount_is_refused_by_the_form(admin_client, reader):
    payment = only_payment(reader.subscribe("smart-essential"))
    url, key = refund_page(admin_client, payment)
    page = admin_client.post(url, {"amount": "450.005", "reason": "x", "idempotency_key": key})
    assert page.status_code == 200
    assert page.context["form"].errors["amount"]
    payment.refresh_from_db()
    assert payment.refunded_minor == 0


# --- Invoices -----------------------------------------------------------------------------


def test_a_paid_invoice_cannot_be_edited_or_deleted(admin_client, reader):
    invoice = Invoice.objects.get(subscription=reader.subscribe("smart-essential"))
    number = invoice.number
    change = reverse("admin:billing_invoice_change", args=[invoice.pk])
    delete = reverse("admin:billing_invoice_delete", args=[invoice.pk])

    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "₹2,700.00" in page.content.decode()
    assert admin_client.post(change, {"number": "FORGED/1", "total_minor": "1"}).status_code == 403
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse("admin:billing_invoice_changelist"),
        {"action": "delete_selected", "_selected_action": [invoice.pk], "post": "yes"},
    )
    invoice.refresh_from_db()
    assert invoice.number == number
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.total_minor == 270_000


def test_the_invoice_pdf_downloads_as_a_pdf(admin_client, reader):
    invoice = Invoice.objects.get(subscription=reader.subscribe("smart-essential"))
    response = admin_client.get(reverse("admin:billing_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "ML-2526-000001.pdf" in response["Content-Disposition"]


def test_an_unpaid_invoice_has_no_pdf(admin_client, reader_factory):
    reader = reader_factory(card=DECLINED)
    with pytest.raises(services.PaymentDeclined):
        reader.subscribe()
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.VOID
    response = admin_client.get(reverse("admin:billing_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 404


# --- Test clocks --------------------------------------------------------------------------


def test_advancing_a_test_clock_moves_it_and_processes_the_due_renewal(admin_client, reader):
    sub = reader.subscribe("smart-quarterly")
    first_end = sub.current_period_end
    url = reverse("admin:billing_testclock_advance", args=[reader.clock.pk])
    from_time = admin_client.get(url).context["form"].initial["from_time"]

    done = admin_client.post(url, {"days": "90", "from_time": from_time}, follow=True)
    assert reader.now() == START + dt.timedelta(days=90)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.period_index == 1
    assert sub.current_period_start == first_end
    assert Invoice.objects.filter(subscription=sub, status=InvoiceStatus.PAID).count() == 2
    assert PreDebitNotice.objects.filter(subscription=sub).count() == 1
    (message,) = [m for m in messages_of(done) if "processed" in m]
    processed = int(message.split("processed ")[1].split(" ")[0])
    assert processed >= 2  # the pre-debit notice, then the renewal charge

    # The same page sent again does not move the clock a second time.
    again = admin_client.post(url, {"days": "90", "from_time": from_time}, follow=True)
    assert any("was not moved again" in m for m in messages_of(again))
    assert reader.now() == START + dt.timedelta(days=90)


@pytest.mark.parametrize("days", ["0", "-3", "1.5", "many"])
def test_a_test_clock_only_moves_forward_by_whole_days(admin_client, reader, days):
    url = reverse("admin:billing_testclock_advance", args=[reader.clock.pk])
    from_time = admin_client.get(url).context["form"].initial["from_time"]
    page = admin_client.post(url, {"days": days, "from_time": from_time})
    assert page.status_code == 200
    assert page.context["form"].errors["days"]
    assert reader.now() == START


# --- Complimentary access -----------------------------------------------------------------


def test_a_complimentary_extension_grants_every_benefit_for_the_chosen_time(
    admin_client, admin_user, reader
):
    url = reverse("admin:billing_customer_complimentary", args=[reader.customer.pk])
    assert admin_client.get(url).status_code == 200
    done = admin_client.post(url, {"duration": "6m", "note": "Delivery complaint"}, follow=True)
    grants = Grant.objects.filter(user=reader.user, source=GrantSource.COMPLIMENTARY)
    assert sorted(g.benefit for g in grants) == sorted(Benefit.values)
    for grant in grants:
        assert grant.granted_by == admin_user
        assert grant.starts_at == reader.now()  # the reader's billing clock, as the gate reads
        assert grant.ends_at is not None
        assert dt.timedelta(days=181) <= grant.ends_at - grant.starts_at <= dt.timedelta(days=184)
        assert "Delivery complaint" in grant.note
    assert BillingEvent.objects.filter(customer=reader.customer, kind="complimentary").exists()
    assert any("complimentary access for 6 months" in m for m in messages_of(done))


def test_a_subscriber_given_a_free_month_renews_a_month_later_and_reads_throughout(
    admin_client, reader
):
    sub = reader.subscribe("smart-quarterly")  # 31 Jan 2026 → renews 30 Apr, ₹900
    paid_until = sub.current_period_end
    url = reverse("admin:billing_customer_complimentary", args=[reader.customer.pk])
    done = admin_client.post(url, {"duration": "1m", "note": "Delivery complaint"}, follow=True)

    sub.refresh_from_db()
    extended = sub.current_period_end
    a_month_on = comp_ends_at(starts_at=paid_until, duration=CompDuration.ONE_MONTH)
    # 30 Apr + 1 month = 30 May; quarterly renewals from there need an anchor day every month
    # has, so the renewal lands on 1 Jun: never less than the month given, a day or two more.
    assert a_month_on <= extended <= a_month_on + dt.timedelta(days=3)
    assert [m for m in messages_of(done) if "the next renewal is on" in m] == [
        f"1 month free for {reader.user.email}: the next renewal is on "
        f"{timezone.localtime(sub.current_period_end):%-d %b %Y} instead of "
        f"{timezone.localtime(paid_until):%-d %b %Y}."
    ]
    # No complimentary grant beside the paid one: the paid period itself runs on.
    assert not Grant.objects.filter(user=reader.user, source=GrantSource.COMPLIMENTARY).exists()
    event = BillingEvent.objects.get(subscription=sub, kind="complimentary")
    assert "Delivery complaint" in event.message

    reader.advance(days=95, step_hours=12)  # past the old renewal date, before the new one
    assert SandboxCharge.objects.count() == 1  # nothing charged on the old date
    assert not PreDebitNotice.objects.filter(period_start=paid_until).exists()
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.user.pk, now=reader.now())

    reader.advance(days=30, step_hours=12)  # through the new renewal date
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    renewal = Invoice.objects.get(subscription=sub, kind="recurring")
    assert renewal.period_start == extended
    notice = PreDebitNotice.objects.get(subscription=sub)
    assert notice.period_start == renewal.period_start
    assert notice.amount_minor == renewal.total_minor == 90_000
    assert SandboxCharge.objects.count() == 2


def test_a_free_week_for_a_cancelled_subscriber_moves_the_end_of_access(admin_client, reader):
    sub = reader.subscribe("smart-quarterly")
    services.cancel(subscription=sub)
    ends = sub.current_period_end
    url = reverse("admin:billing_customer_complimentary", args=[reader.customer.pk])
    done = admin_client.post(url, {"duration": "1w"}, follow=True)
    assert any("access ends on" in m for m in messages_of(done))
    reader.advance(days=92, step_hours=12)  # past the paid end, within the free week
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.user.pk, now=reader.now())
    reader.advance(days=7, step_hours=12)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert sub.ended_at >= ends + dt.timedelta(days=7)
    assert SandboxCharge.objects.count() == 1


def test_forever_is_not_a_complimentary_extension(admin_client, reader):
    url = reverse("admin:billing_customer_complimentary", args=[reader.customer.pk])
    page = admin_client.post(url, {"duration": "forever"})
    assert page.context["form"].errors["duration"]
    assert not Grant.objects.filter(user=reader.user).exists()


# --- Every page renders -------------------------------------------------------------------


def test_every_billing_page_renders(admin_client, reader):
    sub = reader.subscribe("smart-quarterly")
    payment = only_payment(sub)
    services.refund(payment=payment, amount_minor=10_000, reason="Goodwill", idempotency_key="k1")
    reader.advance(days=90, step_hours=24)  # a notice, a renewal, a timeline
    WebhookEvent.objects.create(
        gateway="sandbox", event_id="evt_1", event_type="charge.refunded", payload="{}", error="x"
    )
    for name in (
        "plan",
        "subscription",
        "invoice",
        "payment",
        "creditnote",
        "customer",
        "testclock",
        "predebitnotice",
        "webhookevent",
        "billingevent",
    ):
        listing = admin_client.get(reverse(f"admin:billing_{name}_changelist"))
        assert listing.status_code == 200, name
        first = listing.context["cl"].result_list[0]
        page = admin_client.get(reverse(f"admin:billing_{name}_change", args=[first.pk]))
        assert page.status_code == 200, name
    for name in ("plan", "testclock"):
        assert admin_client.get(reverse(f"admin:billing_{name}_add")).status_code == 200
    plans = admin_client.get(reverse("admin:billing_plan_changelist")).content.decode()
    assert "₹900.00" in plans and "$15.00" in plans
    assert admin_client.get(reverse("admin:billing_subscription_add")).status_code == 403


def test_staff_who_may_only_look_cannot_refund_end_or_grant(client, reader):
    from django.contrib.auth.models import Permission

    sub = reader.subscribe("smart-essential")
    payment = only_payment(sub)
    looker = testing.reader_account("looker@example.com")
    looker.is_staff = True
    looker.save()
    looker.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="billing",
            codename__in=["view_payment", "view_subscription", "view_customer"],
        )
    )
    client.force_login(looker)
    assert client.get(reverse("admin:billing_payment_change", args=[payment.pk])).status_code == 200
    refund = reverse("admin:billing_payment_refund", args=[payment.pk])
    assert client.get(refund).status_code == 403
    data = {"amount": "1.00", "reason": "x", "idempotency_key": "admin-refund:1:x"}
    assert client.post(refund, data).status_code == 403
    end = reverse("admin:billing_subscription_manage", args=[sub.pk, "end-refund"])
    assert client.post(end, {"note": ""}).status_code == 403
    comp = reverse("admin:billing_customer_complimentary", args=[reader.customer.pk])
    assert client.post(comp, {"duration": "1w"}).status_code == 403
    payment.refresh_from_db()
    sub.refresh_from_db()
    assert payment.refunded_minor == 0
    assert sub.status == SubscriptionStatus.ACTIVE
    assert not Grant.objects.filter(user=reader.user, source=GrantSource.COMPLIMENTARY).exists()


def _plan_post(plan, *, currency: str, price: str) -> dict[str, str]:
    return {
        "name": plan.name, "slug": plan.slug, "description": plan.description,
        "period_months": str(plan.period_months), "benefits": list(plan.benefits),
        "trial_days": str(plan.trial_days), "display_order": str(plan.display_order),
        "is_active": "on",
        "prices-TOTAL_FORMS": "1", "prices-INITIAL_FORMS": "0",
        "prices-MIN_NUM_FORMS": "0", "prices-MAX_NUM_FORMS": "1000",
        "prices-0-currency": currency, "prices-0-price": price, "prices-0-intro_price": "",
        "prices-0-plan": str(plan.pk),
    }  # fmt: skip


def test_staff_type_plan_prices_in_rupees(admin_client, plans):
    # The issue: plan prices were typed in paise, refunds in rupees.
    plan = Plan.objects.create(
        name="Weekend", slug="weekend", period_months=1, benefits=["premium_stories"]
    )
    response = admin_client.post(
        reverse("admin:billing_plan_change", args=[plan.pk]),
        _plan_post(plan, currency="INR", price="2,700.50"),
    )
    assert response.status_code == 302, [
        (f.errors, f.non_field_errors())
        for f in response.context["inline_admin_formsets"][0].formset
    ] + [response.context["adminform"].form.errors]
    assert PlanPrice.objects.get(plan=plan).amount_minor == 270_050
    page = admin_client.get(reverse("admin:billing_plan_change", args=[plan.pk])).content.decode()
    assert 'value="2700.50"' in page


@pytest.mark.parametrize(("currency", "why"), [("JPY", "no minor unit"), ("KWD", "three decimals")])
def test_prices_in_yen_or_dinars_are_refused_with_the_reason(admin_client, plans, currency, why):
    # The issue: JPY and KWD prices were accepted here and then never offered.
    plan = Plan.objects.create(
        name="Weekend", slug="weekend", period_months=1, benefits=["premium_stories"]
    )
    response = admin_client.post(
        reverse("admin:billing_plan_change", args=[plan.pk]),
        _plan_post(plan, currency=currency, price="1000"),
    )
    assert response.status_code == 200
    assert why in response.content.decode()
    assert "Prices can be set in INR or USD only" in response.content.decode()
    assert not PlanPrice.objects.filter(plan=plan).exists()


def test_the_timeline_states_amounts_in_rupees_and_times_in_the_publishers_zone(reader):
    reader.subscribe("smart-quarterly")
    reader.advance(days=89, step_hours=12)
    notice = BillingEvent.objects.get(kind="pre_debit_notice")
    # The issue: "Pre-debit notice: 90000 INR on 29 Apr 2026 06:30 UTC".
    assert notice.message.startswith("Pre-debit notice: ₹900.00 on ")
    assert "IST" in notice.message and "UTC" not in notice.message
    assert "90000" not in notice.message


def test_refunds_and_credit_notes_show_with_a_minus_sign(admin_client, reader):
    sub = reader.subscribe("smart-quarterly")
    payment = only_payment(sub)
    services.refund(payment=payment, amount_minor=30_000, reason="Goodwill", idempotency_key="m1")
    note = CreditNote.objects.get()
    page = admin_client.get(reverse("admin:billing_creditnote_changelist")).content.decode()
    assert "-₹300.00" in page  # the issue: refunds never appeared with a minus sign
    detail = admin_client.get(
        reverse("admin:billing_payment_change", args=[payment.pk])
    ).content.decode()
    assert "-₹300.00" in detail
    assert "₹900.00" in detail  # the payment itself stays positive
    assert note.amount_minor == 30_000
