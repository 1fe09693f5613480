"""The IRP request for a document in e-invoice schema version 1.1 (INV-01; reference note §6,
the mandatory fields): Version, TranDtls, DocDtls, SellerDtls, BuyerDtls, ItemList, ValDtls
and, for exports, ExpDtls."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from masthead.billing.gstr1.formats import json_number, json_rate
from masthead.billing.models import CreditNote, Invoice
from masthead.billing.supply import OUTSIDE_INDIA, SupplyType

_amount = json_number


def _pin(address: str, fallback: str) -> int:
    found = re.findall(r"\b(\d{6})\b", address)
    return int(found[-1] if found else fallback)


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
    total = int(doc.amount_minor if isinstance(doc, CreditNote) else doc.total_minor)
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
            "Loc": "Mumbai" if not seller.get("city") else seller["city"],
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
                "UnitPrice": _amount(doc.taxable_minor),
                "TotAmt": _amount(doc.taxable_minor),
                "AssAmt": _amount(doc.taxable_minor),
                "GstRt": json_rate(invoice.tax_rate_bp),
                "IgstAmt": _amount(doc.igst_minor),
                "CgstAmt": _amount(doc.cgst_minor),
                "SgstAmt": _amount(doc.sgst_minor),
                "TotItemVal": _amount(total - int(doc.round_off_minor)),
            }
        ],
        "ValDtls": {
            "AssVal": _amount(doc.taxable_minor),
            "IgstVal": _amount(doc.igst_minor),
            "CgstVal": _amount(doc.cgst_minor),
            "SgstVal": _amount(doc.sgst_minor),
            "RndOffAmt": _amount(doc.round_off_minor),
            "TotInvVal": _amount(total),
        },
    }
    if export:
        payload["ExpDtls"] = {
            "CntCode": str(buyer.get("country_code") or "").upper(),
            "ForCur": invoice.currency,
        }
    return payload
