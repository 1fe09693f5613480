"""The suite's steps that run inside Django, on the host, against the soak's own database:
seeding, moving test clocks, scheduling the newsletter, receiving an e-paper upload.

``python -m soak.inside seed --renewing 200 ...`` prints one JSON object (what the load
generator needs: sessions, stories, payments); the other commands print a line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import django

RENEWAL_START = dt.datetime(2026, 1, 31, 6, 30, tzinfo=dt.UTC)  # as ops/tests/builders.py
GOOD_CARD = "pm_sandbox_4242424242424242"  # the sandbox's card that always pays


def _session_for(user: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def _reader(email: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=email.split("@", maxsplit=1)[0], email=email)
    # No password: the load generator holds a seeded session (PBKDF2 per reader would spend
    # the machine's two cores on seeding).
    user.set_unusable_password()
    user.save()
    return user


def _readers(prefix: str, count: int) -> list[dict[str, Any]]:
    """``count`` registered readers with seeded sessions, in two bulk INSERTs (a top-up of
    thousands must not spend the hold's machine on one INSERT a row)."""
    import datetime as _dt

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    model = get_user_model()
    users = []
    for n in range(count):
        user = model(username=f"{prefix}{n}", email=f"{prefix}{n}@soak.example")
        user.set_unusable_password()
        users.append(user)
    users = model.objects.bulk_create(users, batch_size=1_000)
    expires = timezone.now() + _dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store, sessions, found = SessionStore(), [], []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {SESSION_KEY: str(user.pk), HASH_SESSION_KEY: user.get_session_auth_hash(),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}  # fmt: skip
        sessions.append(Session(session_key=key, session_data=store.encode(data),
                                expire_date=expires))  # fmt: skip
        found.append({"user_id": user.pk, "session": key})
    Session.objects.bulk_create(sessions, batch_size=1_000)
    return found


def _subscribe(user: Any, *, price: Any, clock: Any | None, key: str) -> Any:
    from masthead.billing import services

    customer = services.ensure_customer(user=user)
    if clock is not None:
        customer.test_clock = clock
        customer.save()
    return services.checkout(
        user=user, price=price, payment_method=GOOD_CARD, payment_method_label="card",
        checkout_key=key,
    ).subscription  # fmt: skip


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from masthead.billing import demo
    from masthead.billing.models import Payment, PlanPrice, TestClock
    from masthead.newsletters import services as newsletters
    from masthead.newsletters.models import Issue, Newsletter, Signup, SignupStatus
    from masthead.ops import testing

    testing.demo_rules()
    demo.load()
    markets = testing.section("markets")
    stories = [
        testing.article(access_level=level, in_section=markets, headline=f"A {level} story {i}")
        for i, level in enumerate(["metered"] * 12 + ["free"] * 3 + ["premium"] * 3)
    ]
    quarterly = PlanPrice.objects.get(plan__slug="smart-quarterly", currency="INR")

    # Renewals on test clocks: each clock's readers fall due together when it moves.
    clocks = []
    per_clock = max(1, args.renewing // args.clocks)
    for c in range(args.clocks):
        clock = TestClock.objects.create(name=f"soak-{c}", frozen_time=RENEWAL_START)
        for n in range(per_clock):
            _subscribe(_reader(f"renew{c}x{n}@soak.example"), price=quarterly, clock=clock,
                       key=f"soak-renew-{c}-{n}")  # fmt: skip
        clocks.append({"id": clock.pk, "name": clock.name, "subscribers": per_clock})

    # Subscribers the traffic acts for (cancel, change plan, pay now), in real time.
    subscribers = []
    for n in range(args.acting):
        user = _reader(f"sub{n}@soak.example")
        _subscribe(user, price=quarterly, clock=None, key=f"soak-sub-{n}")
        subscribers.append({"user_id": user.pk, "session": _session_for(user)})
    # Registered readers: the meter (5 a month signed in) and checkouts.
    registered = _readers("reader", args.registered)

    payments = [
        {"payment_id": p.gateway_payment_id, "key": p.idempotency_key, "status": p.status}
        for p in Payment.objects.exclude(gateway_payment_id="").order_by("pk")[:200]
    ]

    # The newsletter: N confirmed addresses, bulk-inserted (as bench/newsletters.py).
    now = timezone.now()

    def mailing_list(slug: str, name: str, prefix: str, count: int) -> Newsletter:
        newsletter = Newsletter.objects.create(
            slug=slug, name=name, description=f"{name}.", cadence="Daily"
        )
        Signup.objects.bulk_create(
            (
                Signup(
                    newsletter=newsletter,
                    email=f"{prefix}{i}@soak.example",
                    status=SignupStatus.ACTIVE,
                    confirmed_at=now,
                )
                for i in range(count)
            ),
            batch_size=5_000,
        )
        return newsletter

    news = mailing_list("soak-markets", "Markets", "list", args.recipients)
    issue = Issue.objects.create(
        newsletter=news, subject="Markets this morning (soak)", introduction="Good morning."
    )
    newsletters.set_stories(issue=issue, articles=stories[:3])
    # The peak search's background: a second list, sent again and again while it runs.
    mailing_list("soak-background", "Markets at noon", "noon", args.background)

    # A desk editor for the back office: a password and an authenticator app (TOTP), as the
    # back office requires of staff (accounts.middleware); the load generator signs in with
    # both over HTTP and computes the app's codes from the secret.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils.crypto import get_random_string

    password, secret = get_random_string(24), generate_totp_secret()
    desk = get_user_model().objects.create_user(
        username="desk", email="desk@soak.example", password=password, is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    TOTP.activate(desk, secret)

    limits = {"anonymous": 3, "registered": 5}
    return {
        "stories": [
            {"url": s.get_absolute_url(), "access": s.access_level, "id": s.pk} for s in stories
        ],
        "clocks": clocks,
        "subscribers": subscribers,
        "registered": registered,
        "payments": payments,
        "issue_id": issue.pk,
        "recipients": args.recipients,
        "meter_limits": limits,
        "staff": {"email": desk.email, "password": password, "totp_secret": secret},
        "users": get_user_model().objects.count(),
    }


def advance(args: argparse.Namespace) -> str:
    from masthead.billing.clock import advance as move
    from masthead.billing.models import TestClock

    clock = move(TestClock.objects.get(pk=args.clock), by=dt.timedelta(hours=args.hours))
    return f"clock {clock.name} now {clock.frozen_time.isoformat()}"


def send_newsletter(args: argparse.Namespace) -> str:
    from django.utils import timezone

    from masthead.newsletters import services as newsletters

    newsletters.schedule(issue_id=args.issue, send_at=timezone.now())
    return f"issue {args.issue} scheduled now"


BACKGROUND_SUBJECT = "Markets at noon (soak background)"


def send_background(args: argparse.Namespace) -> str:
    """A new issue of the background list, scheduled now; its id (the peak search's pump)."""
    from django.utils import timezone

    from masthead.newsletters import services as newsletters
    from masthead.newsletters.models import Issue, Newsletter
    from masthead.newsroom.models import Article

    news = Newsletter.objects.get(slug="soak-background")
    issue = Issue.objects.create(newsletter=news, subject=BACKGROUND_SUBJECT, introduction="Noon.")
    articles = list(Article.objects.filter(access_level="metered").order_by("pk")[:3])
    newsletters.set_stories(issue=issue, articles=articles)
    newsletters.schedule(issue_id=issue.pk, send_at=timezone.now())
    return str(issue.pk)


def more_readers(args: argparse.Namespace) -> str:
    """Registered readers for the hold, sized to its rate once the peak is known (JSON)."""
    return json.dumps(_readers(f"more{args.batch}x", args.count))


def more_subscribers(args: argparse.Namespace) -> str:
    """Subscribers the traffic acts for, through the real checkout (JSON)."""
    from masthead.billing.models import PlanPrice

    quarterly = PlanPrice.objects.get(plan__slug="smart-quarterly", currency="INR")
    found = []
    for n in range(args.count):
        user = _reader(f"sub{args.batch}x{n}@soak.example")
        _subscribe(user, price=quarterly, clock=None, key=f"soak-sub-{args.batch}-{n}")
        found.append({"user_id": user.pk, "session": _session_for(user)})
    return json.dumps(found)


def edition_pdf(args: argparse.Namespace) -> bytes:
    from masthead.epaper.layout import PrintStory, lay_out_edition

    story = PrintStory(
        headline="Markets close higher", section="Markets", standfirst="A soak edition.",
        byline="By Staff Reporter", paragraphs=["Shares rose on Tuesday."] * 30,
    )  # fmt: skip
    return bytes(lay_out_edition(
        publisher="The Meridian Ledger", tagline="Soak", edition=args.name,
        date=dt.date.today(), stories=[story] * 6, pages=args.pages,
    ))  # fmt: skip


def make_edition(args: argparse.Namespace) -> str:
    """A print edition's PDF written to ``--out``, for the back office upload over HTTP."""
    Path(args.out).write_bytes(edition_pdf(args))
    return str(args.out)


def upload_edition(args: argparse.Namespace) -> str:
    """The service itself, no HTTP (kept for running by hand; the soak uploads through the
    back office)."""
    from masthead.epaper import services as epaper

    content = edition_pdf(args)
    with tempfile.TemporaryDirectory() as scratch:
        pdf = Path(scratch) / "edition.pdf"
        pdf.write_bytes(content)
        try:
            edition = epaper.receive_edition(
                path=pdf, filename="edition.pdf", date=dt.date.today(), name=args.name,
                uploaded_by=None,
            )  # fmt: skip
        except Exception as exc:  # the disk may be full: the upload is refused, said plainly
            return f"refused: {type(exc).__name__}: {exc}"
    return f"edition {edition.pk} received"


def serve(parser: argparse.ArgumentParser) -> None:
    """One command a line on stdin, one answer a line on stdout: Django boots once, so a
    fault on the schedule happens when the schedule says (a boot takes seconds on a busy
    machine)."""
    import shlex

    from django.db import close_old_connections, connection

    for line in sys.stdin:
        close_old_connections()
        try:
            answer = run(parser.parse_args(shlex.split(line)))
        except Exception as exc:  # the database restarting, say: answered, not fatal
            connection.close()
            answer = f"error: {type(exc).__name__}: {exc}".replace("\n", " ")
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


def run(args: argparse.Namespace) -> str:
    handlers = {
        "seed": lambda: json.dumps(seed(args)),
        "advance": lambda: advance(args),
        "send-newsletter": lambda: send_newsletter(args),
        "upload-edition": lambda: upload_edition(args),
        "send-background": lambda: send_background(args),
        "make-edition": lambda: make_edition(args),
        "more-readers": lambda: more_readers(args),
        "more-subscribers": lambda: more_subscribers(args),
    }
    return handlers[args.command]()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m soak.inside")
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("seed")
    s.add_argument("--renewing", type=int, default=200)
    s.add_argument("--clocks", type=int, default=2)
    s.add_argument("--acting", type=int, default=30)
    s.add_argument("--registered", type=int, default=40)
    s.add_argument("--recipients", type=int, default=5_000)
    s.add_argument("--background", type=int, default=0)
    a = commands.add_parser("advance")
    a.add_argument("--clock", type=int, required=True)
    a.add_argument("--hours", type=float, required=True)
    n = commands.add_parser("send-newsletter")
    n.add_argument("--issue", type=int, required=True)
    e = commands.add_parser("upload-edition")
    e.add_argument("--name", default="Mumbai")
    e.add_argument("--pages", type=int, default=4)
    commands.add_parser("send-background")
    k = commands.add_parser("make-edition")
    k.add_argument("--name", default="Mumbai")
    k.add_argument("--pages", type=int, default=4)
    k.add_argument("--out", required=True)
    for name in ("more-readers", "more-subscribers"):
        m = commands.add_parser(name)
        m.add_argument("--count", type=int, required=True)
        m.add_argument("--batch", type=int, default=1)
    commands.add_parser("serve")
    args = parser.parse_args()
    django.setup()
    if args.command == "serve":
        serve(parser)
        return
    sys.stdout.write(run(args) + "\n")


if __name__ == "__main__":
    main()
