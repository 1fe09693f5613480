"""Readers' newsletter pages. Thin: forms validate, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.newsletters import selectors, services, tasks, webhooks
from masthead.newsletters.forms import SignupForm


def _signed_in_email(request: HttpRequest) -> tuple[str, bool]:
    user = request.user
    email = str(getattr(user, "email", "") or "")
    if not user.is_authenticated or not email:
        return "", False
    return email, selectors.verified_email(user_id=int(user.pk), email=email)


def _ask_to_confirm(result: services.SignupResult) -> None:
    if result.to_confirm:
        tasks.after_commit(
            tasks.send_confirmation, signup_ids=result.to_confirm, email=result.email
        )


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    email, verified = _signed_in_email(request)
    user_id = int(request.user.pk) if request.user.is_authenticated else None
    if request.method == "POST" and email:
        chosen = selectors.by_slugs(slugs=request.POST.getlist("newsletters"))
        try:
            result = services.set_choices(
                user=request.user,  # type: ignore[arg-type]
                email=email,
                email_verified=verified,
                chosen=chosen,
            )
        except services.NewsletterError as exc:
            messages.error(request, str(exc))
        else:
            _ask_to_confirm(result)
            note = "Your newsletters are saved."
            if result.to_confirm:
                note += f" We have emailed {result.email} a link to confirm the address first."
            messages.success(request, note)
        return HttpResponseRedirect(reverse("newsletters:preferences"))
    choices = selectors.choices_for(email=email or None, user_id=user_id)
    form = SignupForm(choices=[(c.newsletter.slug, c.newsletter.name) for c in choices])
    return render(
        request,
        "newsletters/preferences.html",
        {"choices": choices, "email": email, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    email, verified = _signed_in_email(request)
    user_id = int(request.user.pk) if request.user.is_authenticated else None
    choices = selectors.choices_for(email=email or None, user_id=user_id)
    options = [(c.newsletter.slug, c.newsletter.name) for c in choices if c.may_receive]
    if request.method == "POST":
        form = SignupForm(request.POST, choices=options)
        if form.is_valid():
            address = form.cleaned_data["email"]
            try:
                result = services.sign_up(
                    newsletters=selectors.by_slugs(slugs=form.cleaned_data["newsletters"]),
                    email=address,
                    user=request.user if email else None,  # type: ignore[arg-type]
                    email_verified=verified and address.strip().lower() == email.lower(),
                    source=str(request.POST.get("source", ""))[:200],
                )
            except services.NewsletterError as exc:
                form.add_error(None, str(exc))
            else:
                _ask_to_confirm(result)
                return render(request, "newsletters/signed_up.html", {"result": result})
    else:
        wanted = request.GET.getlist("newsletter")
        form = SignupForm(initial={"newsletters": wanted, "email": email}, choices=options)
    return render(
        request,
        "newsletters/sign_up.html",
        {"form": form, "choices": choices, "email": email, "source": request.GET.get("from", "")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows a button: mail scanners open links, and must not confirm for the reader.
    if request.method != "POST":
        return render(request, "newsletters/confirm.html", {"token": token})
    try:
        signups = services.confirm(token=token)
    except services.NewsletterError as exc:
        return render(request, "newsletters/problem.html", {"problem": str(exc)}, status=400)
    return render(request, "newsletters/confirmed.html", {"signups": signups})


@csrf_exempt  # RFC 8058 one-click: the signed token in the URL is the authorisation
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "newsletters/unsubscribe.html", {"token": token})
    try:
        signup = services.unsubscribe_by_token(token=token)
    except services.NewsletterError as exc:
        return render(request, "newsletters/problem.html", {"problem": str(exc)}, status=400)
    return render(request, "newsletters/unsubscribed.html", {"signup": signup})


@csrf_exempt  # signed with an HMAC over the raw body instead (see webhooks.py)
@require_POST
def provider_events(request: HttpRequest) -> HttpResponse:
    try:
        outcome = webhooks.ingest(
            body=request.body, header=request.headers.get(webhooks.SIGNATURE_HEADER, "")
        )
    except webhooks.BadWebhook as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"received": outcome.received, "suppressed": outcome.suppressed})
