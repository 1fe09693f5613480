"""Subscribe, check out, manage. Thin: forms check input, services do the work."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from masthead.access import selectors as access_selectors
from masthead.access.offers import with_next
from masthead.access.selectors import benefit_copy
from masthead.billing import endpoints, renewals, selectors, services, webhooks
from masthead.billing.clock import now_for
from masthead.billing.documents import render_invoice_pdf
from masthead.billing.forms import (
    CancelForm,
    ChangePlanForm,
    CheckoutForm,
    TaxDetailsForm,
    invoice_total_for,
    recipient_fields,
    recipient_initial,
)
from masthead.billing.invoicing import charge_total
from masthead.billing.models import (
    CancellationReason,
    Invoice,
    InvoiceStatus,
    Plan,
    PlanPrice,
    Subscription,
)
from masthead.core.money import Money, format_money
from masthead.insights import events as insights_events


def _user(request: HttpRequest) -> User:
    """The signed-in reader (views using this are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _currency(request: HttpRequest) -> str:
    wanted = request.GET.get("currency", "").upper()
    return wanted if wanted in {"INR", "USD"} else settings.CURRENCY


@require_safe
def subscribe(request: HttpRequest) -> HttpResponse:
    """The plans and what they include."""
    insights_events.subscribe_clicked(request=request)
    currency = _currency(request)
    offers = [selectors.plan_offer(p) for p in selectors.offered_prices(currency=currency)]
    next_url = _safe_next(request, request.GET.get("next", ""))
    offers = [with_next(offer, next_url=next_url, currency=currency) for offer in offers]
    return render(
        request,
        "billing/subscribe.html",
        {
            "offers": offers,
            "currency": currency,
            # Rupee prices are for readers in India, who pay GST: inside the price or on top
            # of it, as the publisher sets it (the checkout then states the total).
            "tax_note": (
                ""
                if currency != "INR"
                else "Prices include GST."
                if settings.PRICES_INCLUDE_TAX
                else "GST is added to these prices at checkout."
            ),
            "benefits": benefit_copy(),
            "next_url": next_url,
            "subscription": selectors.live_subscription(user_id=_user(request).pk)
            if request.user.is_authenticated
            else None,
        },
    )


# Gateways whose checkout happens on their side (the reader authorises a mandate there).
HOSTED_GATEWAYS = frozenset({"razorpay", "stripe"})
RAZORPAY_ANSWER = ("razorpay_payment_id", "razorpay_subscription_id", "razorpay_signature")


def _gateway_for(request: HttpRequest) -> str:
    customer = selectors.customer_for(user_id=_user(request).pk)
    return customer.gateway if customer else str(settings.BILLING_GATEWAY)


@login_required
def checkout(request: HttpRequest, plan_slug: str) -> HttpResponse:
    if _gateway_for(request) in HOSTED_GATEWAYS:
        return _hosted_checkout(request, plan_slug)
    return _sandbox_checkout(request, plan_slug)


def _hosted_checkout(request: HttpRequest, plan_slug: str) -> HttpResponse:
    """Tax details here; the mandate and first payment on the gateway's side."""
    plan = get_object_or_404(Plan, slug=plan_slug, is_active=True)
    currency = (
        _currency(request) if request.method == "GET" else request.POST.get("currency", "INR")
    )
    price = PlanPrice.objects.filter(plan=plan, currency=currency).select_related("plan").first()
    if price is None:
        raise Http404(f"{plan.name} is not offered in {currency}.")
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next", ""))
    live = selectors.live_subscription(user_id=_user(request).pk)
    if live is not None and live.status != "pending" and request.method == "GET":
        messages.info(request, "You already subscribe. Change your plan here.")
        return redirect("billing:my_subscription")
    customer = selectors.customer_for(user_id=_user(request).pk)
    form = TaxDetailsForm(
        request.POST or None,
        initial=recipient_initial(customer, _user(request), checkout_key=secrets.token_urlsafe(24)),
        invoice_total_minor=invoice_total_for(price, now=now_for(customer)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = services.ensure_customer(user=_user(request))
        services.update_tax_details(customer=customer, **recipient_fields(data))
        key = data["checkout_key"]
        back = reverse("billing:checkout_return", args=[key])
        try:
            started = services.start_hosted_checkout(
                user=_user(request),
                price=price,
                checkout_key=key,
                next_url=next_url,
                success_url=request.build_absolute_uri(back),
                cancel_url=request.build_absolute_uri(request.get_full_path()),
            )
        except services.BillingError as exc:
            form.add_error(None, str(exc))
        else:
            if started.redirect_url:
                return HttpResponseRedirect(started.redirect_url)
            sub = started.subscription
            return render(
                request,
                "billing/checkout_razorpay.html",
                {
                    "plan": plan,
                    "offer": selectors.plan_offer(price),
                    "currency": currency,
                    "subscription_id": started.checkout_id,
                    "return_url": reverse(
                        "billing:checkout_return", args=[sub.checkout_key or key]
                    ),
                    "key_id": settings.RAZORPAY_KEY_ID,
                    "checkout_js": settings.RAZORPAY_CHECKOUT_JS,
                    "email": _user(request).email,
                    "name": customer.name,
                },
            )
    return render(
        request,
        "billing/checkout.html",
        {
            "form": form,
            "plan": plan,
            "offer": selectors.plan_offer(price),
            "currency": currency,
            "next_url": next_url,
            "hosted": True,
            "prices_include_tax": settings.PRICES_INCLUDE_TAX,
        },
    )


@login_required
def checkout_return(request: HttpRequest, checkout_key: str) -> HttpResponse:
    """The reader is back from the gateway (Razorpay posts its signed answer here)."""
    sub = get_object_or_404(
        Subscription, checkout_key=checkout_key, customer__user_id=_user(request).pk
    )
    source = request.POST if request.method == "POST" else request.GET
    answer = {name: str(source.get(name, "")) for name in (*RAZORPAY_ANSWER, "session_id")}
    answer = {name: value for name, value in answer.items() if value}
    try:
        outcome = services.complete_hosted_checkout(subscription=sub, answer=answer)
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect(
            f"{reverse('billing:checkout', args=[sub.plan.slug])}?currency={sub.currency}"
        )
    active = outcome.subscription
    messages.success(
        request,
        f"Welcome! Your {active.plan.name} subscription is active. "
        "Your receipt and tax invoice are on their way by email.",
    )
    return HttpResponseRedirect(active.next_url or reverse("billing:my_subscription"))


def _every(months: int) -> str:
    if months % 12 == 0:
        return "every year" if months == 12 else f"every {months // 12} years"
    return "every month" if months == 1 else f"every {months} months"


def _first(months: int) -> str:
    if months % 12 == 0:
        return "the first year" if months == 12 else f"the first {months // 12} years"
    return "the first month" if months == 1 else f"the first {months} months"


def _charged(*, total_minor: int, price_minor: int, currency: str) -> str:
    """'₹900', or '₹1,062 (₹900 plus GST)' when GST is added on top of the price."""
    total = format_money(Money(minor=total_minor, currency=currency), locale=settings.LOCALE)
    if total_minor == price_minor:
        return total
    price = format_money(Money(minor=price_minor, currency=currency), locale=settings.LOCALE)
    return f"{total} ({price} plus GST)"


def _checkout_wording(terms: services.CheckoutTerms) -> dict[str, str]:
    """What the page and its button say: exactly what is charged today, and what follows."""
    currency = terms.currency
    then = _charged(
        total_minor=terms.then_minor, price_minor=terms.then_price_minor, currency=currency
    )
    every = _every(terms.period_months)
    today = _charged(
        total_minor=terms.today_minor, price_minor=terms.today_price_minor, currency=currency
    )
    if terms.trial_end is not None:
        starts = date_format(localtime(terms.trial_end), "j M Y")
        summary = (
            f"Nothing to pay today: {terms.trial_days}-day free trial, "
            f"then {then} {every} from {starts}"
        )
        button = "Start my free trial"
    elif terms.today_minor == 0:
        summary = f"Nothing to pay for {_first(terms.period_months)}, then {then} {every}"
        button = "Subscribe: nothing to pay today"
    else:
        intro = (
            f" (introductory price for {_first(terms.period_months)})" if terms.introductory else ""
        )
        summary = f"Pay {today} today{intro}, then {then} {every}"
        total = format_money(
            Money(minor=terms.today_minor, currency=currency), locale=settings.LOCALE
        )
        button = f"Pay {total} today and subscribe"
    if not terms.taxed:
        tax_note = ""
    elif settings.PRICES_INCLUDE_TAX:
        tax_note = "Prices include GST."
    else:
        tax_note = "GST is added to the plan's price; the amounts above are what you pay."
    return {"summary": summary, "button": button, "tax_note": tax_note}


def _sandbox_checkout(request: HttpRequest, plan_slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=plan_slug, is_active=True)
    currency = (
        _currency(request) if request.method == "GET" else request.POST.get("currency", "INR")
    )
    price = PlanPrice.objects.filter(plan=plan, currency=currency).select_related("plan").first()
    if price is None:
        raise Http404(f"{plan.name} is not offered in {currency}.")
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next", ""))
    live = selectors.live_subscription(user_id=_user(request).pk)
    if live is not None and request.method == "GET":
        messages.info(request, "You already subscribe. Change your plan here.")
        return redirect("billing:my_subscription")
    customer = selectors.customer_for(user_id=_user(request).pk)
    if request.method == "POST":
        form = CheckoutForm(
            request.POST, invoice_total_minor=invoice_total_for(price, now=now_for(customer))
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, label = services.sandbox_card(card_number=data["card_number"])
            except ValueError as exc:
                form.add_error("card_number", str(exc))
            else:
                customer = services.ensure_customer(user=_user(request))
                services.update_tax_details(customer=customer, **recipient_fields(data))
                try:
                    outcome = services.checkout(
                        user=_user(request),
                        price=price,
                        payment_method=token,
                        payment_method_label=label,
                        checkout_key=data["checkout_key"],
                        next_url=next_url,
                    )
                except services.AlreadySubscribed:
                    # Another tab's checkout won: its subscription is the answer.
                    messages.info(request, "You already subscribe. Manage it here.")
                    return redirect("billing:my_subscription")
                except services.BillingError as exc:
                    form.add_error(None, str(exc))
                    # A declined card needs a new attempt with a new key.
                    form.data = {**form.data, "checkout_key": secrets.token_urlsafe(24)}
                else:
                    if outcome.action_url:
                        # The bank (the sandbox's challenge page) wants the reader to confirm.
                        return HttpResponseRedirect(outcome.action_url)
                    sub = outcome.subscription
                    messages.success(
                        request,
                        f"Welcome! Your {sub.plan.name} subscription is active. "
                        "Your receipt and tax invoice are on their way by email.",
                    )
                    return HttpResponseRedirect(sub.next_url or reverse("billing:my_subscription"))
    else:
        form = CheckoutForm(
            initial=recipient_initial(
                customer, _user(request), checkout_key=secrets.token_urlsafe(24)
            ),
            invoice_total_minor=invoice_total_for(price, now=now_for(customer)),
        )
    terms = services.checkout_terms(price=price, now=now_for(customer))
    return render(
        request,
        "billing/checkout.html",
        {
            "form": form,
            "plan": plan,
            "offer": selectors.plan_offer(price),
            "terms": _checkout_wording(terms),
            "currency": currency,
            "next_url": next_url,
        },
    )


def _update_payment_method_url() -> str:
    """The reader's Update link for their payment method, where this build has that page."""
    try:
        return reverse("billing:update_payment_method")
    except NoReverseMatch:
        return ""


@require_safe
@login_required
def my_subscription(request: HttpRequest) -> HttpResponse:
    sub = selectors.latest_subscription(user_id=_user(request).pk)
    context: dict[str, object] = {
        "subscription": sub,
        "invoices": selectors.paid_invoices(user_id=_user(request).pk),
        "credit_notes": selectors.credit_notes(user_id=_user(request).pk),
        "plans": Plan.objects.filter(is_active=True),
        "update_payment_method_url": _update_payment_method_url(),
    }
    if sub is None:
        # A reader the newsroom comped holds access without any plan: say so, not "no
        # subscription yet" (access owns the grants; billing only shows them).
        comps = access_selectors.complimentary_grants(user_id=_user(request).pk)
        context["complimentary"] = comps
        ends = [g.ends_at for g in comps if g.ends_at is not None]
        forever = len(ends) < len(comps)
        context["complimentary_until"] = None if forever or not ends else max(ends)
    if sub is not None:
        context["now"] = now_for(sub.customer)
        if sub.status != "ended":
            # What the next renewal charges, GST included when it is added on top.
            context["renewal_amount"] = charge_total(
                customer=sub.customer,
                amount_minor=renewals.renewal_amount(sub),
                currency=sub.currency,
            )
        context["open_invoice"] = renewals.open_renewal_invoice(sub)
    return render(request, "billing/my_subscription.html", context)


def _own_live(request: HttpRequest) -> Subscription:
    sub = selectors.live_subscription(user_id=_user(request).pk)
    if sub is None:
        raise Http404("You have no live subscription.")
    return sub


@login_required
def cancel(request: HttpRequest) -> HttpResponse:
    """A confirmation page (what ends and when, an optional reason), then the cancellation."""
    sub = _own_live(request)
    if request.method != "POST":
        return render(request, "billing/cancel.html", {"subscription": sub, "form": CancelForm()})
    form = CancelForm(request.POST)
    if not form.is_valid():
        return render(request, "billing/cancel.html", {"subscription": sub, "form": form})
    try:
        sub = services.cancel(
            subscription=sub,
            reason=form.cleaned_data["reason"],
            reason_code=CancellationReason(form.cleaned_data["reason_code"] or ""),
        )
    except services.BillingError as exc:
        messages.error(request, str(exc))
    else:
        if sub.status == "ended":
            messages.success(request, "Your subscription has ended. No further charge.")
        else:
            until = date_format(localtime(sub.current_period_end), "j M Y")
            messages.success(request, f"Cancelled. Access until {until}; no further charge.")
    return redirect("billing:my_subscription")


@require_POST
@login_required
def undo_cancel(request: HttpRequest) -> HttpResponse:
    try:
        services.undo_cancel(subscription=_own_live(request))
    except services.BillingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Welcome back: your subscription will renew as before.")
    return redirect("billing:my_subscription")


def _shown(minor: int, currency: str) -> str:
    return format_money(Money(minor=minor, currency=currency), locale=settings.LOCALE)


@login_required
def change_plan(request: HttpRequest) -> HttpResponse:
    """GET: the preview (charged today, credit for the unused part, next renewal) with its
    signed quote. POST: the confirmation, charged exactly what the quote showed."""
    source = request.GET if request.method != "POST" else request.POST
    form = ChangePlanForm(source)
    if not form.is_valid():
        if request.method != "POST":
            messages.error(request, "Choose a plan to change to.")
            return redirect("billing:my_subscription")
        return HttpResponseBadRequest("Choose a plan to change to.")
    plan = get_object_or_404(Plan, slug=form.cleaned_data["plan"], is_active=True)
    preview = f"{reverse('billing:change_plan')}?plan={plan.slug}"
    if request.method != "POST":
        try:
            quote = services.quote_plan_change(subscription=_own_live(request), plan=plan)
        except services.BillingError as exc:
            messages.error(request, str(exc))
            return redirect("billing:my_subscription")
        return render(
            request,
            "billing/change_plan.html",
            {"quote": quote, "subscription": _own_live(request)},
        )
    if not form.cleaned_data["quote"]:
        messages.info(request, "Check what the change costs, then confirm it.")
        return redirect(preview)
    try:
        sub = services.change_plan(
            subscription=_own_live(request), plan=plan, quote=form.cleaned_data["quote"]
        )
    except services.StaleQuote as exc:
        messages.error(request, str(exc))
        return redirect(preview)
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:my_subscription")
    if sub.next_plan_id:
        on = date_format(localtime(sub.current_period_end), "j M Y")
        messages.success(request, f"You will move to {plan.name} at your next renewal, on {on}.")
    else:
        charged = (
            Invoice.objects.filter(subscription=sub, kind="proration", status=InvoiceStatus.PAID)
            .order_by("-pk")
            .first()
        )
        paid = _shown(int(charged.total_minor), sub.currency) if charged else ""
        until = date_format(localtime(sub.current_period_end), "j M Y")
        messages.success(
            request,
            f"You are now on {plan.name}. Charged today: {paid}. Next renewal: {until}.",
        )
    return redirect("billing:my_subscription")


@login_required
def pay_now(request: HttpRequest) -> HttpResponse:
    sub = _own_live(request)
    if request.method == "POST":
        try:
            paid = renewals.pay_now(subscription=sub)
        except services.BillingError as exc:
            messages.error(request, str(exc))
            return redirect("billing:my_subscription")
        if paid.action_url:
            return HttpResponseRedirect(paid.action_url)
        payment = paid.payment
        if payment.status == "succeeded":
            messages.success(request, "Paid. Thank you — your subscription is active again.")
        else:
            messages.error(request, payment.failure_message or "The payment did not go through.")
        return redirect("billing:my_subscription")
    return render(
        request,
        "billing/pay_now.html",
        {"subscription": sub, "invoice": renewals.open_renewal_invoice(sub)},
    )


@require_safe
@login_required
def authentication_return(request: HttpRequest) -> HttpResponse:
    """Where a payment the reader's bank wants confirmed sends them: back from the bank's page
    (Stripe's return address), or, on the sandbox, which has no bank page, straight here.
    Paid: My subscription says so. Still waiting: the reader confirms it on Pay now."""
    sub = selectors.live_subscription(user_id=_user(request).pk)
    if sub is None:
        messages.info(request, "You have no subscription with a payment to confirm.")
        return redirect("billing:my_subscription")
    try:
        invoice = renewals.settle_confirmation(subscription=sub)
    except services.GatewayError:
        messages.error(
            request,
            "We could not hear from the payment gateway just now. Nothing more was charged; "
            "open this link again in a minute, or pay from My subscription.",
        )
        return redirect("billing:my_subscription")
    if invoice is None:
        messages.info(request, "There is nothing to confirm: your subscription is up to date.")
        return redirect("billing:my_subscription")
    if invoice.status == InvoiceStatus.PAID:
        messages.success(
            request, "Payment confirmed. Thank you — your subscription is active again."
        )
        return redirect("billing:my_subscription")
    messages.info(
        request,
        "Your bank needs you to confirm this renewal payment. Press Pay now and confirm it "
        "with your bank to keep reading.",
    )
    return redirect("billing:pay_now")


@login_required
def sandbox_challenge(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The sandbox's stand-in for the bank's 3-D Secure page: approve or fail the payment."""
    if settings.PRODUCTION:
        raise Http404("The sandbox does not run in production.")
    try:
        payment = services.sandbox_challenge(user=_user(request), gateway_payment_id=payment_id)
    except services.BillingError as exc:
        raise Http404(str(exc)) from exc
    sub = payment.invoice.subscription
    if request.method != "POST":
        return render(request, "billing/sandbox_challenge.html", {"payment": payment})
    decision = request.POST.get("decision", "")
    if decision not in {"approve", "fail"}:
        return HttpResponseBadRequest("Choose approve or fail.")
    payment = services.answer_sandbox_challenge(
        user=_user(request), gateway_payment_id=payment_id, approve=decision == "approve"
    )
    first = payment.invoice.kind == "initial"
    if payment.status == "succeeded":
        if first:
            messages.success(
                request,
                f"Welcome! Your {sub.plan.name} subscription is active. "
                "Your receipt and tax invoice are on their way by email.",
            )
            return HttpResponseRedirect(sub.next_url or reverse("billing:my_subscription"))
        messages.success(request, "Paid. Thank you — your subscription is active again.")
        return redirect("billing:my_subscription")
    messages.error(request, payment.failure_message or "The payment did not go through.")
    if first:
        return redirect(
            f"{reverse('billing:checkout', args=[sub.plan.slug])}?currency={sub.currency}"
        )
    return redirect("billing:my_subscription")


@require_safe
@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    invoice = get_object_or_404(Invoice, pk=pk, customer__user_id=_user(request).pk, status="paid")
    from io import BytesIO

    filename = f"{(invoice.number or str(pk)).replace('/', '-')}.pdf"
    return FileResponse(
        BytesIO(render_invoice_pdf(invoice)),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


@csrf_exempt  # signed by the gateway instead; verified over the raw body below
@require_POST
def webhook(request: HttpRequest, gateway: str) -> HttpResponse:
    if not (webhooks.is_known_gateway(gateway) and endpoints.accepts_webhooks(gateway)):
        # Only the gateways configured here take webhooks; the sandbox never in production.
        raise Http404("No webhook endpoint for this gateway here.")
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        webhooks.ingest(gateway_name=gateway, body=request.body, headers=headers)
    except webhooks.SignatureError:
        return HttpResponse("Signature check failed.", status=400, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- Update payment method (issue 12, deliverable 4) ----------------------------------------


@login_required
def update_payment_method(request: HttpRequest) -> HttpResponse:
    """A new payment method for the reader's live subscription; a past-due renewal is then
    collected on it at once."""
    # Imported here so this section stays additive beside the module's own imports.
    from masthead.billing import payment_methods
    from masthead.billing.forms import PaymentMethodForm

    sub = _own_live(request)
    if sub.gateway_subscription_id:
        return _update_at_gateway(request, sub)
    form = PaymentMethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = payment_methods.update_card(
                subscription=sub, card_number=form.cleaned_data["card_number"]
            )
        except services.BillingError as exc:
            form.add_error("card_number", str(exc))
        else:
            if done.payment is None:
                messages.success(request, f"Saved. Renewals will be charged to {done.label}.")
            elif done.payment.status == "succeeded":
                messages.success(
                    request,
                    f"Saved, and your renewal was paid with {done.label}. Your subscription "
                    "is active again.",
                )
            else:
                messages.error(
                    request,
                    f"Saved {done.label}, but the renewal payment did not go through: "
                    f"{done.payment.failure_message or 'declined'}",
                )
            return redirect("billing:my_subscription")
    return render(
        request,
        "billing/update_payment_method.html",
        {
            "subscription": sub,
            "form": form,
            "invoice": renewals.open_renewal_invoice(sub) if sub.status == "past_due" else None,
        },
    )


def _update_at_gateway(request: HttpRequest, sub: Subscription) -> HttpResponse:
    """A gateway mandate: the reader saves the new method on the gateway's own page."""
    from masthead.billing import payment_methods

    if request.method == "POST":
        try:
            address = payment_methods.start_gateway_update(
                subscription=sub,
                success_url=request.build_absolute_uri(reverse("billing:payment_method_return")),
                cancel_url=request.build_absolute_uri(reverse("billing:update_payment_method")),
            )
        except services.BillingError as exc:
            messages.error(request, str(exc))
        else:
            if address:
                return HttpResponseRedirect(address)
            # Razorpay: the reader authorises the new method in Checkout.js, here.
            return render(
                request,
                "billing/payment_method_razorpay.html",
                {
                    "subscription": sub,
                    "key_id": settings.RAZORPAY_KEY_ID,
                    "checkout_js": settings.RAZORPAY_CHECKOUT_JS,
                    "email": _user(request).email,
                    "return_url": reverse("billing:payment_method_return"),
                },
            )
    return render(
        request,
        "billing/update_payment_method.html",
        {
            "subscription": sub,
            "at_gateway": True,
            "invoice": renewals.open_renewal_invoice(sub) if sub.status == "past_due" else None,
        },
    )


@login_required
def payment_method_return(request: HttpRequest) -> HttpResponse:
    """Back from the gateway's payment-method page (Stripe: GET with the session id) or from
    Checkout.js (Razorpay: POST of its signed answer); checked with the gateway."""
    from django.http import HttpResponseNotAllowed

    from masthead.billing import payment_methods

    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    sub = _own_live(request)
    answer = request.POST if request.method == "POST" else request.GET
    try:
        done = payment_methods.finish_gateway_update(
            subscription=sub, answer={key: str(answer.get(key, "")) for key in answer}
        )
    except services.BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:update_payment_method")
    if done.payment is None:
        messages.success(request, f"Saved. Renewals will be charged to {done.label}.")
    elif done.payment.status == "succeeded":
        messages.success(
            request,
            f"Saved, and your renewal was paid with {done.label}. Your subscription is active "
            "again.",
        )
    else:
        messages.error(
            request,
            f"Saved {done.label}, but the renewal payment did not go through: "
            f"{done.payment.failure_message or 'declined'}",
        )
    return redirect("billing:my_subscription")
