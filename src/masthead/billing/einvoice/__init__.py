"""E-invoicing: registering B2B invoices, exports and their credit notes with the Invoice
Registration Portal (IRP), and printing the IRN and signed QR code it returns.

Publishers above the e-invoicing turnover (₹5 crore from 1 Aug 2023, Notification 10/2023)
must report these documents; B2C invoices are out of scope (reference note §6). Off by
default (``MASTHEAD_EINVOICE_ENABLED``). ``schema`` builds the request in the government's
e-invoice schema version 1.1; ``clients`` sends it through an IRP client behind one seam, like
the payment gateways' (an offline sandbox IRP by default; a GSP adapter); ``services``
registers what is due from the worker, retries failures with a back-off and records them for
staff; a document past the IRP's 30-day reporting limit is marked too late, never retried.
Registration never blocks a reader's access: the invoice is issued and the access
granted whether or not the IRP answers.
"""
