"""The back office's GSTR-1 page: pick a month or quarter, see the figures, download the zip."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from masthead.billing.gstr1.formats import returns_json, zip_bytes
from masthead.billing.gstr1.sections import Amounts, build_return, period_bounds
from masthead.core.money import Money, format_money, format_refund


def _rupees(minor: int) -> str:
    return format_money(Money(minor=minor, currency="INR"), locale="en_IN", whole=False)


def _rupees_back(minor: int) -> str:
    return format_refund(Money(minor=minor, currency="INR"), locale="en_IN")


def _shown(amounts: Amounts, *, back: bool = False) -> dict[str, str]:
    """Each figure in rupees; credit notes (money going back) with their minus sign."""
    shown = _rupees_back if back else _rupees
    return {
        "value": shown(amounts.value),
        "taxable": shown(amounts.taxable),
        "igst": shown(amounts.igst),
        "cgst": shown(amounts.cgst),
        "sgst": shown(amounts.sgst),
    }


@staff_member_required
def gstr1_page(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("billing.view_invoice"):
        raise PermissionDenied
    month = request.GET.get("month", "")
    quarter = request.GET.get("quarter", "")
    context: dict[str, object] = {"title": "GSTR-1 export", "month": month, "quarter": quarter}
    if month or quarter:
        try:
            start, end = period_bounds(month=month, quarter=quarter if not month else "")
        except ValueError as exc:
            context["error"] = str(exc)
            return render(request, "billing/gstr1.html", context, status=400)
        gstr1 = build_return(start=start, end=end)
        if request.GET.get("download"):
            fp = returns_json(gstr1)["fp"]
            response = HttpResponse(zip_bytes(gstr1), content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="gstr1-{fp}.zip"'
            return response
        context.update(
            gstr1=gstr1,
            invoices=_shown(gstr1.invoices_total),
            credit_notes=_shown(gstr1.credit_notes_total, back=True),
            net=_shown(gstr1.net),
            counts=[
                ("4A B2B invoices", len(gstr1.b2b)),
                ("5 B2C (large) invoices", len(gstr1.b2cl)),
                ("7 B2C (small) rows by State and rate", len(gstr1.b2cs)),
                ("6A Exports", len(gstr1.exp)),
                ("9B Credit notes, registered", len(gstr1.cdnr)),
                ("9B Credit notes, unregistered", len(gstr1.cdnur)),
            ],
        )
    return render(request, "billing/gstr1.html", context)
