"""GST tax invoices and credit notes as A4 PDFs (reportlab).

The documents print what was frozen on the invoice when it was numbered, never today's
settings or today's customer record. The invoicing code fills two JSON snapshots with exactly
these keys (all strings)::

    invoice.seller = {
        "legal_name": "Meridian Ledger Media Private Limited",
        "address": "4th Floor, Ledger House, Nariman Point, Mumbai 400021",
        "gstin": "27AABCM1234F1ZX",
        "state_code": "27",
        "state_name": "Maharashtra",
    }
    invoice.buyer = {
        "name": "Asha Rao",
        "email": "asha@example.com",
        "state_code": "29",          # "" when the reader's state is unknown
        "state_name": "Karnataka",
        "gstin": "",                 # "" for a reader without GST registration
    }

A key that is missing or empty falls back to the publisher's settings (seller) or to the
GST state table (state names), so an older or half-filled snapshot still prints.

Place of supply is the buyer's state, or the seller's state when the buyer's is unknown.
The tax lines follow the amounts on the document: CGST + SGST (half the rate each) when either
is nonzero (an intra-state supply), otherwise IGST at the full rate, which is also how a
zero-rated supply abroad (USD, 0 %) is shown.

Amounts are integer minor units (paise, cents), shown with ``format_money`` in
``settings.LOCALE`` with the minor unit always printed (₹2,700.00). Dates are the publisher's
calendar days (``settings.TIME_ZONE``), printed like 25 Nov 2026.

The rupee sign needs a font that has it; the PDF embeds DejaVu Sans or Noto Sans when the
system has them (``settings.BILLING_PDF_FONTS = (regular_path, bold_path)`` overrides), and
otherwise falls back to Helvetica, printing "Rs." for ₹.

The package, by area (every caller imports from ``masthead.billing.documents``):

- ``figures``: the publisher's calendar day, amounts, percentages, file names;
- ``words``: the amount in words;
- ``content``: what both documents share (parties, place of supply, IRN, rupee figures);
- ``tax_invoice`` and ``credit_note``: what each document says, as a ``content.Document``;
- ``fonts``: the embedded font with the rupee sign, or Helvetica and "Rs.";
- ``layout``: the A4 page in the site's palette; ``pdf``: the two public renderers.
"""

from masthead.billing.documents.figures import attachment_filename, local_date, local_day_label
from masthead.billing.documents.pdf import render_credit_note_pdf, render_invoice_pdf
from masthead.billing.documents.words import amount_in_words

__all__ = [
    "amount_in_words",
    "attachment_filename",
    "local_date",
    "local_day_label",
    "render_credit_note_pdf",
    "render_invoice_pdf",
]
