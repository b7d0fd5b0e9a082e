"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), organisation kind (1), administrative division (6),
organisation code (9), check character (1). The check character is computed over the first 17
with weights 3^i mod 31 over the 31-character alphabet below (no I, O, S, V, Z).
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...


class CreditCodeError(ValueError):
    pass


def check_character(first17: str) -> str:
    """The 18th character for a 17-character prefix."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise CreditCodeError(f"need 17 characters from {ALPHABET}, got {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Full-width to half-width, upper case, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", code).strip().upper()


def validate(code: str) -> str:
    """Return the normalised code, or raise CreditCodeError saying what is wrong."""
    code = normalize(code)
    if len(code) != 18:
        raise CreditCodeError(f"'{code}' has {len(code)} characters; a credit code has 18")
    bad = [c for c in code if c not in _VALUE]
    if bad:
        raise CreditCodeError(f"'{code}' contains '{bad[0]}'; allowed are 0-9 and A-Y except I, O, S, V, Z")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(f"'{code}' fails the GB 32100 check: last character should be {expected}")
    return code
