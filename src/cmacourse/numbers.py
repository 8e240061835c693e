"""Numbers as every file and page writes them: plain decimals, never an exponent, no float noise.

``player/static/numbers.js`` is the same rule for the browser; ``tests/numbers.json`` holds the
outputs both must give.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

#: Significant digits kept: every decimal of 15 digits survives a round trip through a double (DBL_DIG),
#: so 0.1 + 0.2 is written 0.3, as its author meant.
SIGNIFICANT = 15
# Rounds to SIGNIFICANT digits, a tie away from zero, as JavaScript's toExponential(14) does.
_SIGNIFICANT = decimal.Context(prec=SIGNIFICANT, rounding=ROUND_HALF_UP, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
# Room for the longest plain decimal of a double (about 330 digits) and for rounding it.
_CONTEXT = decimal.Context(prec=800, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def number_text(value: float | int | Decimal, places: int | None = None) -> str:
    """``value`` as a plain decimal: ``0.3``, ``1234567.5``, ``-2``, ``1000000000000000000000``.

    Args:
        value: a finite number.
        places: at most this many decimals, rounded half away from zero (``number_text(2/3, 4)`` is ``0.6667``).

    Raises:
        ValueError: ``value`` is infinite or not a number.
    """
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    number = _SIGNIFICANT.plus(number)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_CONTEXT)
    if number.is_zero():
        return "0"
    return format(number.normalize(_CONTEXT), "f")


def points_text(value: float) -> str:
    """``1 point``, ``2 points``, ``1.5 points``."""
    return f"{number_text(value)} point" if value == 1 else f"{number_text(value)} points"


def shown_number(value: float | int | Decimal, decimal_mark: str, group: str, places: int | None = None) -> str:
    """``value`` as a language writes it on a page: ``number_text`` with the language's decimal mark, and
    its group separator between each three digits of the whole part (``1.234.567,5`` in Spanish).

    ``player/static/numbers.js`` ``shown()`` is the same rule; ``tests/numbers.json`` ``shown`` holds both's outputs.
    """
    plain = number_text(value, places)
    sign, plain = ("-", plain[1:]) if plain.startswith("-") else ("", plain)
    whole, _, fraction = plain.partition(".")
    head = len(whole) % 3 or 3
    grouped = group.join([whole[:head], *(whole[i:i + 3] for i in range(head, len(whole), 3))])
    return sign + grouped + (decimal_mark + fraction if fraction else "")
