"""A GSTR-1 export of the demo's month opens in a spreadsheet with totals equal to the
back office's figures (issue 13, "Done when").

The demo is loaded with three months of history; real readers then subscribe, and one is
refunded, in last month (the publisher's calendar). The command writes the zip; every CSV is
read with the csv module under the offline tool's headers, and its totals are checked against
the ledger summed here from the documents' stored fields, and against the back office's GSTR-1
page.

The demo's history is made-up and numbered in its own series (DEMO/…, financial year "demo"):
never issued to anyone, so it is in no return. The test checks that it is there in the ledger
for that month and in none of the files, so the reconciliation below is over the real series.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from masthead.billing import demo as billing_demo
from masthead.billing import demo_history, services
from masthead.billing.gstr1.formats import HEADERS
from masthead.billing.models import CreditNote, Invoice, InvoiceStatus, Payment, PaymentStatus

pytestmark = pytest.mark.django_db(transaction=True)
FIELDS = ("taxable_minor", "igst_minor", "cgst_minor", "sgst_minor")


def _last_month() -> tuple[dt.datetime, dt.datetime]:
    """Last month in the publisher's time zone, as [start, end)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    this = timezone.now().astimezone(tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (this - dt.timedelta(days=1)).replace(day=1)
    return start, this


def _paise(text: str) -> int:
    """'2288.14' (a CSV cell) or '₹2,288.14' / '-₹254.24' (the page) → paise, exactly."""
    cleaned = text.replace("₹", "").replace(",", "")
    return int(Decimal(cleaned) * 100)


def _ledger(docs, value_field: str) -> dict[str, int]:
    sums = docs.aggregate(value=Sum(value_field), **{f: Sum(f) for f in FIELDS})
    return {key: int(amount or 0) for key, amount in sums.items()}


@pytest.fixture
def demo_month(reader_factory):
    billing_demo.load()
    assert demo_history.load(months=3)
    start, end = _last_month()
    # Real readers on test clocks at noon in the publisher's zone, on the 5th and 9th.
    intra = reader_factory(state_code="27", start=start.replace(day=5, hour=12))
    intra.subscribe("smart-quarterly")  # ₹900 within Maharashtra
    inter = reader_factory(state_code="29", start=start.replace(day=9, hour=12))
    inter.subscribe("smart-essential")  # ₹2,700 to Karnataka
    payment = Payment.objects.get(invoice__customer=inter.customer, status=PaymentStatus.SUCCEEDED)
    services.refund(payment=payment, amount_minor=30_000, reason="Goodwill", idempotency_key="d1")
    return start, end


def test_the_demo_months_gstr1_csvs_add_up_to_the_ledger_and_the_back_office(
    demo_month, tmp_path, admin_client
):
    start, end = demo_month
    in_month = {"issued_at__gte": start, "issued_at__lt": end}
    invoices = Invoice.objects.filter(status=InvoiceStatus.PAID, **in_month)
    notes = CreditNote.objects.filter(**in_month)
    demo = {"financial_year": "demo"}
    demo_numbers = [
        *invoices.filter(**demo).values_list("number", flat=True),
        *notes.filter(**demo).values_list("number", flat=True),
    ]
    assert demo_numbers  # the demo's history does reach into this month
    real_invoices, real_notes = invoices.exclude(**demo), notes.exclude(**demo)
    assert real_invoices.count() == 2 and real_notes.count() == 1
    billed = _ledger(real_invoices, "total_minor")
    back = _ledger(real_notes, "amount_minor")
    net = {key: billed[key] - back[key] for key in billed}
    # Worked by hand (prices include GST at 18 %): ₹900 in Maharashtra → 762.71 + CGST 68.64
    # + SGST 68.64; ₹2,700 to Karnataka → 2288.14 + IGST 411.87; ₹300 back on it → 254.24
    # + IGST 45.76. Net taxable 762.71 + 2288.14 − 254.24 = 2796.61; IGST 411.87 − 45.76.
    assert net == {
        "value": 90_000 + 270_000 - 30_000,
        "taxable_minor": 279_661,
        "igst_minor": 36_611,
        "cgst_minor": 6_864,
        "sgst_minor": 6_864,
    }

    out = tmp_path / "gstr1.zip"
    call_command("billing", "gstr1", "--month", f"{start:%Y-%m}", "--out", str(out))
    archive = zipfile.ZipFile(out)
    tables: dict[str, list[dict[str, str]]] = {}
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        text = archive.read(name).decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        assert reader.fieldnames == HEADERS[name.removesuffix(".csv").split("(")[0]].split(",")
        tables[name] = list(reader)
        for row in tables[name]:
            for number in demo_numbers:
                assert number not in row.values(), (name, number)

    def total(name: str, column: str) -> int:
        return sum(_paise(row[column]) for row in tables[name])

    # Every real document here is a B2C supply under ₹1 lakh: table 7 (B2CS), net of its note.
    for empty in ("b2b.csv", "b2cl.csv", "exp.csv", "cdnr.csv", "cdnur.csv", "hsn(b2b).csv"):
        assert tables[empty] == [], empty
    assert total("b2cs.csv", "Taxable Value") == net["taxable_minor"]
    assert {(r["Place Of Supply"], r["Rate"]) for r in tables["b2cs.csv"]} == {
        ("27-Maharashtra", "18"),
        ("29-Karnataka", "18"),
    }
    # Table 12 (SAC summary) carries the taxes: equal to the ledger's, net of the credit note.
    hsn = "hsn(b2c).csv"
    assert total(hsn, "Total Value") == net["value"]
    assert total(hsn, "Taxable Value") == net["taxable_minor"]
    assert total(hsn, "Integrated Tax Amount") == net["igst_minor"]
    assert total(hsn, "Central Tax Amount") == net["cgst_minor"]
    assert total(hsn, "State/UT Tax Amount") == net["sgst_minor"]
    # Table 13: the real series only, first to last, nothing cancelled; no DEMO row.
    first, last = real_invoices.order_by("sequence").values_list("number", flat=True)
    [note_number] = real_notes.values_list("number", flat=True)
    assert [
        (r["Sr. No. From"], r["Sr. No. To"], r["Total Number"], r["Cancelled"])
        for r in tables["docs.csv"]
    ] == [(first, last, "2", "0"), (note_number, note_number, "1", "0")]

    # The back office's GSTR-1 page shows the same net figures.
    page = admin_client.get(reverse("billing:gstr1"), {"month": f"{start:%Y-%m}"}).content.decode()
    [net_row] = re.findall(r"<tr><th>Net</th>(.*?)</tr>", page, flags=re.S)
    shown = [
        _paise(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td>(.*?)</td>", net_row)
    ]
    assert shown == [
        net["value"], net["taxable_minor"], net["igst_minor"], net["cgst_minor"], net["sgst_minor"],
    ]  # fmt: skip
    assert f"Not in these files: {len(demo_numbers)} documents" in page
