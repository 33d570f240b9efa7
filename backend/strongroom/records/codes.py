"""Crate codes: ``<UNIT>-<DEPT>-<YEAR>-<SERIAL>-<CHECK>``, e.g. ``GOA1-QA-2026-000123-7``.

The check digit is the Damm algorithm over the code's characters written as decimal digits
(``0`` to ``9`` as themselves, ``A`` to ``Z`` as ``10`` to ``35``). Damm detects every
single-digit error and every transposition of adjacent digits, which covers the serial
number, the part people type, completely. Scanners and people may type the code without
separators or in lower case; :func:`normalise` accepts both.
"""

import re

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
SERIAL_DIGITS = 6
CODE_PATTERN = re.compile(
    r"^(?P<unit>[A-Z0-9]{2,10})-(?P<dept>[A-Z0-9]{1,10})-(?P<year>\d{4})-"
    r"(?P<serial>\d{6,})-(?P<check>\d)$"
)


class InvalidCrateCodeError(ValueError):
    """The text is not a crate code, or its check digit does not match."""


def _as_digits(text: str) -> str:
    return "".join(str(int(char, 36)) for char in text if char.isalnum())


def check_digit(body: str) -> str:
    interim = 0
    for digit in _as_digits(body.upper()):
        interim = _DAMM[interim][int(digit)]
    return str(interim)


def format_code(*, unit_code: str, department_code: str, year: int, serial: int) -> str:
    body = f"{unit_code}-{department_code}-{year:04d}-{serial:0{SERIAL_DIGITS}d}"
    return f"{body}-{check_digit(body)}"


def normalise(text: str, *, known_prefixes: list[tuple[str, str]] | None = None) -> str:
    """Return the canonical code for what a person or scanner typed, or raise.

    With separators it is parsed directly. Without them (``GOA1QA20260001237``) the unit and
    department boundaries are ambiguous, so the caller passes the known (unit, department)
    code pairs and the one that fits is used.
    """
    cleaned = re.sub(r"\s+", "", text or "").upper()
    match = CODE_PATTERN.match(cleaned)
    if match is None and "-" not in cleaned and known_prefixes:
        for unit_code, department_code in known_prefixes:
            prefix = f"{unit_code}{department_code}"
            rest = cleaned[len(prefix) :]
            if cleaned.startswith(prefix) and re.fullmatch(r"\d{4}\d{6,}\d", rest):
                candidate = f"{unit_code}-{department_code}-{rest[:4]}-{rest[4:-1]}-{rest[-1]}"
                match = CODE_PATTERN.match(candidate)
                if match:
                    break
    if match is None:
        raise InvalidCrateCodeError(
            "This is not a crate code (expected e.g. GOA1-QA-2026-000123-7)."
        )
    body, check = match.string.rsplit("-", 1)
    if check_digit(body) != check:
        raise InvalidCrateCodeError(
            "The check digit does not match: the code was mistyped or misread."
        )
    return match.string
