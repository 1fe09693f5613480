"""Where a supply is made and how it is taxed: place of supply, IGST or CGST+SGST, export.

The rules (reference note §3-4, ADR 0017):

- In India, the place of supply of an online newspaper is the recipient's State on record
  (IGST Act s.12(2); Circular 242/36/2024 makes the State mandatory for e-newspapers). Only a
  reader with no State on record falls back to the publisher's State (s.12(2)(b)).
  Same State as the publisher: CGST + SGST; any other: IGST.
- An export of services needs the recipient **and** the place of supply outside India and
  payment in convertible foreign exchange (IGST Act s.2(6)); for online information the place
  of supply is the recipient's location (s.13(12)). Read conservatively, a supply is an export
  only when the address on record is abroad, no Indian State contradicts it, and the reader
  pays in a foreign currency. A foreign currency alone proves nothing: a reader in Maharashtra
  paying in dollars pays GST like any reader in Maharashtra.
- An export is zero-rated without IGST only under a Letter of Undertaking in force on the day
  (s.16(3)(a), Form RFD-11); without one it carries IGST at the full rate (s.16(3)(b)).
- A reader abroad paying in rupees is not an export (s.2(6)(iv) unmet): IGST, place of supply
  96 (Other Country).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from masthead.billing.gst_states import normalise_code

OUTSIDE_INDIA = "96"  # the GST state code for a place of supply abroad


class SupplyType:
    B2B = "B2B"  # registered recipient (GSTIN)
    B2C = "B2C"  # unregistered recipient in India (B2CL or B2CS in GSTR-1)
    EXPORT_UNDER_LUT = "EXPWOP"  # export without payment of IGST
    EXPORT_WITH_IGST = "EXPWP"  # export with payment of IGST

    EXPORTS = (EXPORT_UNDER_LUT, EXPORT_WITH_IGST)


@dataclass(frozen=True, slots=True)
class Supply:
    place_of_supply: str  # GST state code; 96 abroad
    supply_type: str
    rate_bp: int
    intra_state: bool

    @property
    def is_export(self) -> bool:
        return self.supply_type in SupplyType.EXPORTS


def lut_in_force(on: dt.date) -> bool:
    """Is a Letter of Undertaking on file for the day ``on``?"""
    if not settings.GST_LUT_REFERENCE or not settings.GST_LUT_VALID_UNTIL:
        return False
    return on <= dt.date.fromisoformat(settings.GST_LUT_VALID_UNTIL)


def supply_for(
    *, state_code: str, country_code: str, gstin: str, currency: str, on: dt.date
) -> Supply:
    """The place of supply and tax treatment of a subscription sold to this recipient."""
    rate = int(settings.GST_RATE_BASIS_POINTS)
    state = normalise_code(state_code)
    abroad = (country_code or "IN").upper() != "IN" and not state and not gstin
    if abroad and currency != "INR":
        if lut_in_force(on):
            return Supply(OUTSIDE_INDIA, SupplyType.EXPORT_UNDER_LUT, 0, intra_state=False)
        return Supply(OUTSIDE_INDIA, SupplyType.EXPORT_WITH_IGST, rate, intra_state=False)
    if abroad:
        return Supply(OUTSIDE_INDIA, SupplyType.B2C, rate, intra_state=False)
    place = state or normalise_code(settings.PUBLISHER_STATE_CODE)
    return Supply(
        place,
        SupplyType.B2B if gstin else SupplyType.B2C,
        rate,
        intra_state=place == normalise_code(settings.PUBLISHER_STATE_CODE),
    )
