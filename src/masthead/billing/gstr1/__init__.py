"""GSTR-1 ready exports: the month's (or quarter's) invoices and credit notes, routed to the
return's tables, as the GST offline tool's CSV files and as a returns JSON file.

``sections.build_return`` reads the ledger (issued invoices and credit notes, by their issue
date in the publisher's time zone) and routes each document (reference note §5):

- 4A ``b2b``: buyer with a GSTIN; 9B ``cdnr``: their credit notes;
- 6A ``exp``: exports (``WOPAY`` under LUT, ``WPAY`` with IGST); their notes go to ``cdnur``;
- 5 ``b2cl``: unregistered, inter-State, invoice value above ₹1,00,000 (Notification 12/2024,
  from the August 2024 period); their notes go to ``cdnur``;
- 7 ``b2cs``: every other unregistered supply, summed by place of supply and rate, net of
  the credit notes against those invoices (negative values are accepted);
- 12 ``hsn``: SAC summary, split into B2B and B2C tabs (from May 2025);
- 13 ``docs``: first and last number, total and cancelled, per series.

``formats`` writes them: CSV files named and headed exactly as the offline tool reads them,
and the JSON the returns portal takes. A document in another currency is reported in rupees
at the exchange rate the accountant recorded for its invoice's date (CGST Rule 34(2),
``billing.exchange``), routed by its recipient like any other; while no rate covers it, it is
listed as waiting for one and left out, never guessed.
"""
