"""GSTINs, checked in one place: format, state code, PAN and check character.

The check is python-stdnum's ``stdnum.in_.gstin`` (a maintained library: length, format, the
embedded PAN, entity code never 0, the default ``Z`` and the Luhn mod 36 check character that
GSTN's own ``checkGstn`` computes). Its state table stops at 37, while the GST portal issues
38 (Ladakh) (reference note §7); for 38 the same checks are made piece by piece with stdnum's
PAN and Luhn modules, so a real Ladakh GSTIN is accepted and a mistyped one is not.
"""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.in_ import pan

from masthead.billing.gst_states import GST_STATES

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FORMAT = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_STDNUM_MISSING_STATES = {"38"}  # Ladakh; see the module docstring


class InvalidGstin(ValueError):
    """A GSTIN that is not one; the message says what is wrong and what to do."""


def _validate_missing_state(number: str) -> None:
    if len(number) != 15:
        raise InvalidLength
    if not _FORMAT.match(number):
        raise InvalidFormat
    pan.validate(number[2:12])
    luhn.validate(number, _ALPHABET)


def validate_gstin(value: str, *, state_code: str = "") -> str:
    """The GSTIN in its canonical form (upper case, no spaces), or ``InvalidGstin``.

    ``state_code``, when given, is the state on the buyer's address: a GSTIN is registered in
    one state and its first two digits name it (CGST Rule 10, Form GST REG-06).
    """
    number = stdnum_gstin.compact(value)
    try:
        if number[:2] in _STDNUM_MISSING_STATES:
            _validate_missing_state(number)
        else:
            stdnum_gstin.validate(number)
    except InvalidLength as exc:
        raise InvalidGstin(
            f"A GSTIN has 15 characters; {number!r} has {len(number)}. Check it against your "
            "GST registration certificate."
        ) from exc
    except InvalidChecksum as exc:
        raise InvalidGstin(
            f"{number} is not a valid GSTIN: its last character does not match the rest "
            "(a check character). Check each character against your registration certificate."
        ) from exc
    except (InvalidFormat, InvalidComponent, ValidationError) as exc:
        raise InvalidGstin(
            f"{number} is not a valid GSTIN: it should be a state code, a 10-character PAN, "
            "an entity number, Z and a check character (e.g. 27AAPFU0939F1ZV)."
        ) from exc
    if number[:2] not in GST_STATES:
        raise InvalidGstin(f"{number} starts with {number[:2]}, which is not a GST state code.")
    if state_code and number[:2] != state_code:
        raise InvalidGstin(
            f"{number} is registered in state {number[:2]} ({GST_STATES[number[:2]]}), but the "
            f"address is in {state_code} ({GST_STATES.get(state_code, 'unknown')}). "
            "Pick the state of the registration, or leave the GSTIN empty."
        )
    return number


def gstin_problem(value: str, *, state_code: str = "") -> str:
    """What is wrong with ``value`` as a GSTIN, or '' if nothing is."""
    try:
        validate_gstin(value, state_code=state_code)
    except InvalidGstin as exc:
        return str(exc)
    return ""
