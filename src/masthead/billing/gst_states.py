"""GST state codes: the two-digit prefix of a GSTIN and the 'place of supply' on tax documents.

The table follows the GST portal's state code list (01 Jammu and Kashmir … 38 Ladakh, 97 Other
Territory). Code 25 (Daman and Diu) and 28 (Andhra Pradesh before 2014) survive only on old
registrations; 96 is the e-invoice schema's code for a buyer outside India.
"""

from __future__ import annotations

GST_STATES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    "25": "Daman and Diu",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    "28": "Andhra Pradesh (before division)",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "96": "Other Country",
    "97": "Other Territory",
}


def normalise_code(code: str | int | None) -> str:
    """'7', 7 and ' 07 ' all become '07'; anything that is not one or two digits becomes ''."""
    text = str(code).strip() if code is not None else ""
    if not text.isdigit() or len(text) > 2:
        return ""
    return text.zfill(2)


def state_name(code: str) -> str:
    """The state or territory a GST state code names ('27' → 'Maharashtra'); '' if unknown."""
    return GST_STATES.get(normalise_code(code), "")


def state_label(code: str, name: str = "") -> str:
    """How documents show a state: 'Maharashtra (27)'; the code alone if the name is unknown."""
    normalised = normalise_code(code)
    shown = name or state_name(normalised)
    if shown and normalised:
        return f"{shown} ({normalised})"
    return shown or normalised


def pos_label(code: str) -> str:
    """Place of supply as GSTR-1 and invoices print it: '29-Karnataka', '96-Other Country'."""
    normalised = normalise_code(code)
    name = state_name(normalised)
    return f"{normalised}-{name}" if name else normalised


def country_name(code: str) -> str:
    """'US' → 'United States' (Babel's English names); the code itself if unknown."""
    from babel import Locale

    return str(Locale("en").territories.get(code.upper(), code.upper()))
