"""Readers and subscribers in from another platform: a generic CSV and a Ghost members export
(its header as Ghost's own export writes it: id,email,name,note,subscribed_to_emails,
complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from masthead.access.gate import may_use
from masthead.access.identity import Reader
from masthead.access.models import Grant
from masthead.billing.models import Payment, Subscription
from masthead.insights.imports import ImportRefused, import_readers

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 12, 6, 4, 0, tzinfo=dt.UTC)

GENERIC = """email,name,status,paid_until,external_id
asha@example.com,Asha Rao,paid,2027-03-31,wp-1
ravi@example.com,Ravi Menon,free,,wp-2
COMP@example.com,Comped Reader,comp,,wp-3
not-an-email,Broken Row,free,,wp-4
late@example.com,Late Payer,paid,,wp-5
when@example.com,Bad Date,paid,31/03/2027,wp-6
"""

GHOST_HEADER = (
    "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,"
    "created_at,deleted_at,labels,tiers,paid_until\n"
)
GHOST = (
    GHOST_HEADER
    + "6543a1,meera@example.com,Meera K,,true,false,cus_A1,2024-01-15T10:00:00.000Z,,,"
    + "Supporter,2027-01-15\n"
    + """6543a2,free@example.com,Free Reader,,true,false,,2024-02-01T10:00:00.000Z,,,,
6543a3,vip@example.com,VIP,"Early backer, comp",true,true,,2023-05-01T10:00:00.000Z,,,,
6543a4,gone@example.com,Gone,,false,false,,2023-05-01T10:00:00.000Z,2024-06-01T10:00:00.000Z,,,
6543a5,nodate@example.com,No Date,,true,false,cus_A5,2024-03-01T10:00:00.000Z,,,Supporter,
"""
)


def reader(email: str) -> Reader:
    """A fresh reader each time (a Reader keeps the benefits it was first asked about)."""
    user = get_user_model().objects.get(email__iexact=email)
    return Reader(user_id=user.pk, anonymous_id=None)


def test_generic_import_makes_readers_and_gives_paid_ones_access_until_their_date():
    report = import_readers(text=GENERIC, layout="generic", dry_run=False, now=NOW)

    assert (report.rows, report.readers_added, report.access_granted) == (6, 3, 2)
    assert [(r.line, r.reason.split(":")[0].split(" (")[0]) for r in report.refused] == [
        (5, "no valid email address"),
        (6, "a paid subscriber needs paid_until"),
        (7, "paid_until '31/03/2027' is not a date"),
    ]
    # Paid to the end of 31 March 2027 in Kolkata: access on the 31st, none on 1 April.
    assert may_use(
        reader=reader("asha@example.com"),
        benefit="unlimited_stories",
        now=dt.datetime(2027, 3, 31, 23, 0, tzinfo=IST),
    ).full
    assert not may_use(
        reader=reader("asha@example.com"),
        benefit="unlimited_stories",
        now=dt.datetime(2027, 4, 1, 0, 1, tzinfo=IST),
    ).full
    assert may_use(
        reader=reader("comp@example.com"), benefit="epaper", now=NOW + dt.timedelta(days=3650)
    ).full
    assert not may_use(reader=reader("ravi@example.com"), benefit="unlimited_stories", now=NOW).full
    # Complimentary access, not a subscription: nobody is charged, now or later.
    assert Subscription.objects.count() == 0 and Payment.objects.count() == 0
    assert set(Grant.objects.values_list("source", flat=True)) == {"complimentary"}


def test_the_same_file_twice_adds_nothing():
    import_readers(text=GENERIC, layout="generic", dry_run=False, now=NOW)
    users, grants = get_user_model().objects.count(), Grant.objects.count()

    again = import_readers(
        text=GENERIC, layout="generic", dry_run=False, now=NOW + dt.timedelta(hours=1)
    )

    assert (again.readers_added, again.readers_found, again.access_granted) == (0, 3, 0)
    assert again.access_unchanged == 2
    assert (get_user_model().objects.count(), Grant.objects.count()) == (users, grants)


def test_a_dry_run_reports_what_would_happen_and_changes_nothing():
    report = import_readers(text=GENERIC, layout="generic", dry_run=True, now=NOW)
    assert (report.readers_added, report.access_granted, len(report.refused)) == (3, 2, 3)
    assert get_user_model().objects.count() == 0 and Grant.objects.count() == 0


def test_a_ghost_export_brings_members_comps_and_paying_members_with_their_date():
    report = import_readers(text=GHOST, layout="ghost", dry_run=False, now=NOW)

    assert (report.readers_added, report.access_granted) == (3, 2)
    assert {(r.line, r.email) for r in report.refused} == {
        (5, "gone@example.com"),
        (6, "nodate@example.com"),
    }
    assert "paid_until" in next(r.reason for r in report.refused if r.line == 6)
    assert may_use(reader=reader("meera@example.com"), benefit="premium_stories", now=NOW).full
    assert may_use(reader=reader("vip@example.com"), benefit="premium_stories", now=NOW).full
    assert not may_use(reader=reader("free@example.com"), benefit="premium_stories", now=NOW).full
    assert get_user_model().objects.get(email="meera@example.com").first_name == "Meera"


def test_a_file_in_another_layout_is_refused_whole_with_what_to_do():
    with pytest.raises(ImportRefused, match="no complimentary_plan, id column"):
        import_readers(text=GENERIC, layout="ghost", dry_run=False, now=NOW)
    assert get_user_model().objects.count() == 0


def test_the_command_shows_progress_and_the_refusals(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(GHOST, encoding="utf-8")
    out = io.StringIO()
    call_command("import_readers", str(path), "--layout", "ghost", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "[##############################] 5/5 rows" in text
    assert "Would import: 5 row(s); 3 new reader(s)" in text
    assert "line 5 (gone@example.com): deleted in Ghost" in text
    assert "Dry run: nothing was changed." in text
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_readers", str(tmp_path / "missing.csv"), stdout=out)
