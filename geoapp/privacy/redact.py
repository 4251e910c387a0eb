"""Remove what identifies a person from free text before it is stored."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from geoapp.i18n import N_

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# 10 or 12 digits (YYMMDD-NNNC or YYYYMMDDNNNC), checked by date and Luhn checksum below.
IDENTITY = re.compile(r"(?<![\d\-+])(?:(?:19|20)(?=\d{6}[\-+ ]?\d{4}(?!\d)))?(\d{6})([\-+ ]?)(\d{4})(?![\d])")
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}[\s\-]*(?:\(0\)[\s\-]*)?|0)[1-9](?:[\s\-/]?\d){5,10}(?![\d])"
)
PLATE = re.compile(r"(?<![\w])(?:[A-HJ-PR-UW-Z]{3} ?\d{2}[\dA-HJ-PR-UW-Z]|[a-hj-pr-uw-z]{3}\d{2}[\da-hj-pr-uw-z])(?![\w])")
MAYBE_PERSONAL = re.compile(r"[\d@]")
PLACEHOLDERS = {
    "email": "[e-post]",
    "personnummer": "[personnummer]",
    "samordningsnummer": "[samordningsnummer]",
    "phone": "[telefonnummer]",
    "registration_plate": "[registreringsnummer]",
}
KIND_NAMES = {
    "email": N_("e-mail addresses"),
    "personnummer": N_("personal identity numbers"),
    "samordningsnummer": N_("coordination numbers"),
    "phone": N_("phone numbers"),
    "registration_plate": N_("registration plates"),
}


def luhn_valid(digits: str) -> bool:
    """Return True when the last digit is the Luhn check digit of the others."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def identity_kind(birth: str, serial: str) -> str | None:
    """Return personnummer or samordningsnummer for a valid YYMMDD + NNNC, else None."""
    month, day = int(birth[2:4]), int(birth[4:6])
    if not 1 <= month <= 12 or not luhn_valid(birth + serial):
        return None
    if 1 <= day <= 31:
        return "personnummer"
    if 61 <= day <= 91:
        return "samordningsnummer"  # the day of birth plus 60
    return None


def redact(text: str) -> tuple[str, Counter]:
    """Return `text` with identity numbers, phone numbers, e-mail addresses and plates replaced."""
    counts: Counter = Counter()
    if not MAYBE_PERSONAL.search(text):
        return text, counts

    def replace(kind: str):
        def substitute(match: re.Match) -> str:
            counts[kind] += 1
            return PLACEHOLDERS[kind]
        return substitute

    def identity(match: re.Match) -> str:
        kind = identity_kind(match[1], match[3])
        if kind is None:
            return match[0]
        counts[kind] += 1
        return PLACEHOLDERS[kind]

    text = EMAIL.sub(replace("email"), text)
    text = IDENTITY.sub(identity, text)
    text = PHONE.sub(replace("phone"), text)
    text = PLATE.sub(replace("registration_plate"), text)
    return text, counts


def redact_all(texts: pd.Series) -> tuple[pd.Series, Counter]:
    """Redact every text; return the redacted texts and the total count of each kind."""
    codes, uniques = pd.factorize(texts)
    done = [redact(u) for u in uniques]
    total: Counter = Counter()
    for (_, counts), times in zip(done, np.bincount(codes, minlength=len(uniques))):
        total.update({kind: n * int(times) for kind, n in counts.items()})
    cleaned = np.empty(len(uniques), dtype=object)
    cleaned[:] = [text for text, _ in done]
    return pd.Series(cleaned[codes], index=texts.index, dtype=object), total
