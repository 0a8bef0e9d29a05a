"""Money rounding and amounts in capitals, and app/domain/money.py as the one home of the
money constants.

The capitals expectations are the brief's hand-worked examples plus the worked examples in the
PBOC's rules for filling in bills (正确填写票据和结算凭证的基本规定), e.g. ¥1,409.50 ->
壹仟肆佰零玖元伍角; where those rules allow two forms we print the one named in the test.
"""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.money import (
    CENT,
    ZERO,
    amount_in_capitals,
    format_money,
    format_rate,
    to_money,
)
from app.domain.terms import service_fee

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.005"), Decimal("1.01")),  # half-up; banker's rounding would give 1.00
        (Decimal("2.675"), Decimal("2.68")),
        (Decimal("-1.005"), Decimal("-1.01")),  # half-up rounds away from zero
        (Decimal("0.004"), Decimal("0.00")),
        (5, Decimal("5.00")),
        ("1,234.5", Decimal("1234.50")),
        (" 7.125 ", Decimal("7.13")),
    ],
)
def test_to_money_rounds_half_up_to_the_fen(value, expected):
    result = to_money(value)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [0.1, 1.0, True])
def test_to_money_refuses_floats_and_bools(value):
    with pytest.raises(TypeError):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "", Decimal("NaN"), Decimal("Infinity")])
def test_to_money_refuses_non_amounts(value):
    with pytest.raises(ValueError):
        to_money(value)


def test_cent_and_formatting():
    assert CENT == Decimal("0.01")
    assert ZERO == 0 and ZERO.as_tuple().exponent == -2  # sums of amounts print "0.00"
    assert format_money(Decimal(100000)) == "100,000.00"
    assert format_rate(Decimal("0.128")) == "12.80%"
    assert format_rate(Decimal(10)) == "1000.00%"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # The brief's hand-worked examples.
        (Decimal(0), "零元整"),
        (Decimal("0.05"), "伍分"),
        (Decimal(10), "壹拾元整"),
        (Decimal(1000000), "壹佰万元整"),
        (Decimal("100010.00"), "壹拾万零壹拾元整"),
        (Decimal("12345678.90"), "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"),
        (Decimal("100000.50"), "壹拾万元伍角"),
        (Decimal(120000), "壹拾贰万元整"),
        (Decimal("1.05"), "壹元零伍分"),
        # PBOC worked examples.
        (Decimal("1409.50"), "壹仟肆佰零玖元伍角"),
        (Decimal("6007.14"), "陆仟零柒元壹角肆分"),
        (Decimal("1680.32"), "壹仟陆佰捌拾元叁角贰分"),  # the form without 零 before 叁角
        (Decimal("107000.53"), "壹拾万零柒仟元伍角叁分"),  # the form with 零 after 万
        (Decimal("16409.02"), "壹万陆仟肆佰零玖元零贰分"),
        (Decimal("325.04"), "叁佰贰拾伍元零肆分"),
        # Zero runs: inside a group, across the 万 and 亿 boundaries, trailing.
        (Decimal(1001), "壹仟零壹元整"),
        (Decimal(1010), "壹仟零壹拾元整"),
        (Decimal(100100), "壹拾万零壹佰元整"),
        (Decimal(10001), "壹万零壹元整"),
        (Decimal(12301000), "壹仟贰佰叁拾万零壹仟元整"),
        (Decimal(100000001), "壹亿零壹元整"),
        (Decimal(100010000), "壹亿零壹万元整"),
        (Decimal(123456789), "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"),
        (Decimal(1000000000), "壹拾亿元整"),
        (Decimal(1000000000000), "壹万亿元整"),
        # Only 角 and 分.
        (Decimal("0.50"), "伍角"),
        (Decimal("0.55"), "伍角伍分"),
        (Decimal("0.005"), "壹分"),  # rounds half-up to 0.01 first
        (Decimal("10.50"), "壹拾元伍角"),
        (2, "贰元整"),
        ("3.3", "叁元叁角"),
    ],
)
def test_amount_in_capitals(amount, expected):
    assert amount_in_capitals(amount) == expected


def test_amount_in_capitals_refuses_negative_huge_and_float():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-0.01"))
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(10) ** 16)
    with pytest.raises(TypeError):
        amount_in_capitals(1.5)



@pytest.mark.parametrize(
    ("amount", "rate", "fixed", "fee"),
    [
        # 10,010 x 1.25 % = 125.125: half-up to the fen gives 125.13 (half-even would give
        # 125.12, which the quote used to show while booking charged 125.13).
        (Decimal("10010.00"), Decimal("0.0125"), Decimal("0.00"), Decimal("125.13")),
        (Decimal("100000.00"), Decimal("0.008"), Decimal("200.00"), Decimal("1000.00")),
        (Decimal("5000.00"), None, Decimal("300.00"), Decimal("300.00")),
        (Decimal("5000.00"), Decimal(0), None, Decimal(0)),
    ],
)
def test_the_service_fee_is_one_rule_half_up_to_the_fen(amount, rate, fixed, fee):
    assert service_fee(amount, rate, fixed) == fee


def _own_money_constants(path: Path) -> list[str]:
    """Where ``path`` defines CENT / ZERO or writes Decimal("0.01") / Decimal("0.00")."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("CENT", "ZERO") for t in node.targets):
            found.append(f"{path.relative_to(APP)}:{node.lineno}")
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Decimal"
                and node.args and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in ("0.01", "0.00")):
            found.append(f"{path.relative_to(APP)}:{node.lineno}")
    return found


def test_money_constants_come_from_app_domain_money_only():
    modules = [p for p in sorted(APP.rglob("*.py")) if p != APP / "domain" / "money.py"]
    assert len(modules) > 50
    assert _own_money_constants(APP / "domain" / "money.py")  # the check does find them
    assert [hit for p in modules for hit in _own_money_constants(p)] == []
