"""Hand-written checks the benchmark floors share.

The same validations as the library, written as an insurer's engineer would inline
them.
"""

from __future__ import annotations

import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
REGIONS = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
MOBILE = re.compile(r"(?:\+86 ?)?1[3-9][0-9]{9}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")


def resident_id_problem(value: str) -> str | None:
    """The first problem of a resident ID number, as the library names it, or ``None``."""
    if ID_FORMAT.fullmatch(value) is None:
        return "format"
    if value[:2] not in REGIONS:
        return "region"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900:
        return "birth_date"
    total = sum(int(c) * w for c, w in zip(value, WEIGHTS, strict=False))
    if "10X98765432"[total % 11] != value[17]:
        return "check_digit"
    return None
