"""Mainland mobile numbers (11 digits, 1[3-9]…) as people type them — with spaces, dashes,
dots, brackets or the country code (+86, 0086) — kept as their 11 digits. Shared by every
form that takes one (open days' registration, the sitting-in directory and its import)."""

from __future__ import annotations

import re

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# What people put around the digits: spaces, dashes, dots, brackets, the country code.
PHONE_DECORATION = re.compile(r"[\s\-.()（）]")


def normalise_phone(typed: str | None) -> str | None:
    """The 11 digits of a mainland mobile number as typed with spaces, dashes or +86 / 0086,
    or None when it is not one."""
    digits = PHONE_DECORATION.sub("", typed or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE.fullmatch(digits) else None
