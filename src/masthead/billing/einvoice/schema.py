"""The IRP request for a document in e-invoice schema version 1.1 (INV-01; reference note §6,
the mandatory fields): Version, TranDtls, DocDtls, SellerDtls, BuyerDtls, ItemList, ValDtls
and, for exports, ExpDtls.

The schema's values are in rupees; a document in a foreign currency (a dollar export) states
its rupee figures at the exchange rate of its invoice's date (CGST Rule 34(2), as GSTR-1
reports it; ``billing.exchange``) and its foreign total in ``ValDtls.TotInvValFc``. While no
rate covers that date the request cannot be built: the registration fails with that reason
and is retried, never sent in dollars as if they were rupees."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from masthead.billing.exchange import credit_note_in_inr, invoice_in_inr, supply_date
from masthead.billing.gstr1.formats import json_number, json_rate
from masthead.billing.models import CreditNote, Invoice
from masthead.billing.supply import OUTSIDE_INDIA, SupplyType

_amount = json_number


def _pin(address: str, fallback: str) -> int:
    found = re.findall(r"\b(\d{6})\b", address)
    return int(found[-1] if found else fallback)


def _place(address: str) -> str:
    """The town of an address written '…, Mumbai 400021': its last part without the PIN."""
    last = address.rsplit(",", 1)[-1]
    return re.sub(r"\b\d{6}\b", "", last).strip()


def _rupee_figures(doc: Invoice | CreditNote) -> tuple[int, int, int, int, int, int]:
    """Total, taxable value, IGST, CGST, SGST and round off in paise (INV-01 takes rupees)."""
    total = int(doc.amount_minor if isinstance(doc, CreditNote) else doc.total_minor)
    if doc.currency == "INR":
        return (
            total, int(doc.taxable_minor), int(doc.igst_minor), int(doc.cgst_minor),
            int(doc.sgst_minor), int(doc.round_off_minor),
        )  # fmt: skip
    inr = invoice_in_inr(doc) if isinstance(doc, Invoice) else credit_note_in_inr(doc)
    if inr is None:
        invoice = doc.invoice if isinstance(doc, CreditNote) else doc
        raise ValueError(
            f"{doc.number} is in {doc.currency}; the IRP takes rupees and no exchange rate for "
            f"{supply_date(invoice):%d %b %Y} is recorded yet (CGST Rule 34(2)). Enter the "
            "rate; the registration is retried."
        )
    return inr.total, inr.taxable, inr.igst, inr.cgst, inr.sgst, inr.round_off


def document_type(doc: Invoice | CreditNote) -> str:
    return "CRN" if isinstance(doc, CreditNote) else "INV"


def document_date(doc: Invoice | CreditNote) -> dt.date:
    """The date the IRP sees on the document (DocDtls.Dt): its issue day in the publisher's
    time zone (the portal's calendar is IST)."""
    return doc.issued_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()  # type: ignore[union-attr]


def irp_request(doc: Invoice | CreditNote) -> dict[str, Any]:
    """The INV-01 v1.1 payload for an issued invoice or credit note."""
    invoice = doc.invoice if isinstance(doc, CreditNote) else doc
    seller = invoice.seller or {}
    buyer = invoice.buyer or {}
    export = invoice.supply_type in SupplyType.EXPORTS
    total, taxable, igst, cgst, sgst, round_off = _rupee_figures(doc)
    issued = document_date(doc)
    pos = invoice.place_of_supply or buyer.get("state_code") or seller.get("state_code", "")
    address = str(buyer.get("address") or "")
    payload: dict[str, Any] = {
        "Version": "1.1",
        "TranDtls": {
            "TaxSch": "GST",
            "SupTyp": str(invoice.supply_type) if export else "B2B",
            "RegRev": "N",
        },
        "DocDtls": {"Typ": document_type(doc), "No": doc.number, "Dt": f"{issued:%d/%m/%Y}"},
        "SellerDtls": {
            "Gstin": seller.get("gstin") or settings.PUBLISHER_GSTIN,
            "LglNm": seller.get("legal_name") or settings.PUBLISHER_LEGAL_NAME,
            "Addr1": (seller.get("address") or settings.PUBLISHER_ADDRESS)[:100],
            "Loc": seller.get("city")
            or _place(str(seller.get("address") or settings.PUBLISHER_ADDRESS))
            or "-",
            "Pin": _pin(str(seller.get("address") or settings.PUBLISHER_ADDRESS), "400001"),
            "Stcd": seller.get("state_code") or settings.PUBLISHER_STATE_CODE,
        },
        "BuyerDtls": {
            # An export's buyer has no GSTIN: URP, state 96, PIN 999999 (reference note §6).
            "Gstin": "URP" if export else buyer.get("gstin", ""),
            "LglNm": buyer.get("name", ""),
            "Pos": OUTSIDE_INDIA if export else pos,
            "Addr1": address[:100] or "-",
            "Loc": buyer.get("city") or "-",
            "Pin": 999999 if export else _pin(str(buyer.get("postal_code") or address), "999999"),
            "Stcd": OUTSIDE_INDIA if export else pos,
        },
        "ItemList": [
            {
                "SlNo": "1",
                "IsServc": "Y",
                "HsnCd": settings.SAC_CODE,
                "PrdDesc": invoice.description[:300],
                "UnitPrice": _amount(taxable),
                "TotAmt": _amount(taxable),
                "AssAmt": _amount(taxable),
                "GstRt": json_rate(invoice.tax_rate_bp),
                "IgstAmt": _amount(igst),
                "CgstAmt": _amount(cgst),
                "SgstAmt": _amount(sgst),
                "TotItemVal": _amount(total - round_off),
            }
        ],
        "ValDtls": {
            "AssVal": _amount(taxable),
            "IgstVal": _amount(igst),
            "CgstVal": _amount(cgst),
            "SgstVal": _amount(sgst),
            "RndOffAmt": _amount(round_off),
            "TotInvVal": _amount(total),
        },
    }
    if doc.currency != "INR":
        paid = doc.amount_minor if isinstance(doc, CreditNote) else doc.total_minor
        payload["ValDtls"]["TotInvValFc"] = _amount(int(paid))
    if export:
        payload["ExpDtls"] = {
            "CntCode": str(buyer.get("country_code") or "").upper(),
            "ForCur": invoice.currency,
        }
    return payload
