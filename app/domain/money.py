"""Money as Decimal: rounding to the fen and amounts in Chinese capitals (大写金额)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.domain.i18n import N_

CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # an amount of nothing, at the fen's scale (sums start from it)
RATE_PLACES = Decimal("0.000001")  # rates are stored with 6 places (NUMERIC(9,6))

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
# 亿亿 is not a unit anyone writes; contracts never get near it.
_CAPITALS_LIMIT = Decimal(10) ** 16


def to_money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal rounded half-up to the fen.

    Floats are refused outright: a float has already lost the exact amount, and accepting one
    here would hide that upstream bug.
    """
    if isinstance(value, float | bool):
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    else:
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def is_amount(value: object) -> bool:
    """A finite Decimal: what validation accepts where an amount or a rate is expected."""
    return isinstance(value, Decimal) and value.is_finite()


def fen_error(amount: Decimal) -> str | None:
    """Why ``amount`` is not an amount of money as typed, or ``None``: money is kept to the
    fen, and rounding a typed 50000.005 in silence would store another amount than meant."""
    if not amount.is_finite():
        return N_("Enter an amount.")
    exponent = amount.normalize().as_tuple().exponent  # 12.340 -> 12.34: two places
    if isinstance(exponent, int) and exponent < -2:
        return N_("An amount has at most 2 decimal places (fen).")
    return None


def round_money(value: Decimal) -> Decimal:
    """Half-up to the fen, for intermediate Decimal results (no type juggling)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """``Decimal("100000")`` -> ``"100,000.00"``: the form used in message parameters."""
    return f"{round_money(value):,.2f}"


def format_rate(rate: Decimal) -> str:
    """``Decimal("0.128")`` -> ``"12.80%"``: the form used in message parameters."""
    return f"{(rate * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def _four_digits(n: int) -> str:
    """1..9999 in capitals; a run of inner zeros becomes one 零, trailing zeros vanish."""
    out: list[str] = []
    pending_zero = False
    for place in range(3, -1, -1):
        digit = (n // 10**place) % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[place])
    return "".join(out)


def _integer_capitals(n: int) -> str:
    """Positive integer in capitals, grouped by 亿 and 万.

    Between a group and the one below it a single 零 is written when zeros separate two non-zero
    digits: the upper group ends in 0 or the lower group starts with 0
    (100,010 -> 壹拾万零壹拾; 107,000 -> 壹拾万零柒仟, one of the two forms the PBOC
    payment-settlement rules allow; we always use this one so output is predictable).
    """
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            upper, rest = divmod(n, size)
            text = _integer_capitals(upper) + unit
            if rest:
                if upper % 10 == 0 or rest < size // 10:
                    text += "零"
                text += _integer_capitals(rest)
            return text
    return _four_digits(n)


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """Amount in Chinese financial capitals as printed on contracts.

    Examples: 0 -> 零元整; 0.05 -> 伍分; 120000 -> 壹拾贰万元整; 1.05 -> 壹元零伍分;
    100000.50 -> 壹拾万元伍角 (an amount ending in 角 takes no 整, as on our contracts).
    """
    money = to_money(amount)
    if money < 0:
        raise ValueError("amount in capitals must not be negative")
    if money >= _CAPITALS_LIMIT:
        raise ValueError("amount too large for capitals")
    fen_total = int(money * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = _integer_capitals(yuan) + "元" if yuan else ""
    if cents == 0:
        return text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        # 1.05 -> 壹元零伍分: the empty 角 between 元 and 分 is spoken as 零.
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text
