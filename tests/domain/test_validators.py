"""Resident ID (GB 11643), credit code (GB 32100), mobile numbers, masking.

Check characters are worked by hand in the comments, not taken from the code.
"""

from datetime import date

import pytest

from app.domain.validators import (
    birth_date_from_id,
    credit_code_error,
    gender_from_id,
    id_check_char,
    id_number_error,
    make_credit_code,
    make_id_number,
    mask_card,
    mask_id_number,
    mask_phone,
    mobile_error,
    normalize_id_number,
    normalize_mobile,
)

TODAY = date(2026, 6, 1)

# --- Resident ID --------------------------------------------------------------------------

# 11010519491231002X, the standard's own example:
# digits  1 1  0 1 0 5 1 9 4 9 1 2  3 1 0 0 2
# weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
# products 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "10X98765432"[2] = X
VALID_ID = "11010519491231002X"


def test_check_char_of_the_standard_example():
    assert id_check_char("11010519491231002") == "X"


def test_check_char_worked_by_hand():
    # 11010119900307123: 7+9+0+5+0+4+2+9+54+0+0+27+0+35+8+8+6 = 174; 174 mod 11 = 9 -> "3"
    assert id_check_char("11010119900307123") == "3"
    assert make_id_number("110101", date(1990, 3, 7), 123) == "110101199003071233"


@pytest.mark.parametrize("value", [VALID_ID, "11010519491231002x", "  11010519491231002X "])
def test_valid_ids(value):
    assert id_number_error(value, today=TODAY) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("110105194912310021", "check digit"),  # right format, wrong check char
        ("11010519491231002", "17 digits"),  # too short
        ("1101051949123100211", "17 digits"),  # too long
        ("1101051949123100AX", "17 digits"),  # letter in the body
        ("", "17 digits"),
        ("110105194913310029", "impossible birth date"),  # month 13
        ("110105199902300029", "impossible birth date"),  # 30 February
        ("110105189912310029", "plausible range"),  # born 1899
        ("110105202701010029", "plausible range"),  # born after TODAY
    ],
)
def test_invalid_ids(value, fragment):
    error = id_number_error(value, today=TODAY)
    assert error is not None and fragment in error


def test_birth_date_must_not_be_in_the_future_even_with_a_valid_check_char():
    future = make_id_number("110105", date(2026, 6, 2), 1)
    assert id_number_error(future, today=TODAY) is not None
    assert id_number_error(future, today=date(2026, 6, 2)) is None


def test_make_id_number_round_trips_and_validates_its_arguments():
    ident = make_id_number("440305", date(1985, 2, 28), 7)
    assert ident.startswith("44030519850228007")
    assert id_number_error(ident) is None
    assert birth_date_from_id(ident) == date(1985, 2, 28)
    assert gender_from_id(ident) == "M"  # 17th digit 7 is odd
    for bad in (("44030", date(1985, 1, 1), 1), ("440305", date(1985, 1, 1), 1000)):
        with pytest.raises(ValueError):
            make_id_number(*bad)


def test_birth_date_and_gender_from_the_standard_example():
    assert birth_date_from_id(VALID_ID) == date(1949, 12, 31)
    assert gender_from_id(VALID_ID) == "F"  # 17th digit 2 is even
    with pytest.raises(ValueError):
        birth_date_from_id("123")


def test_normalize_id_number():
    assert normalize_id_number(" 11010519491231002x\n") == VALID_ID


# --- Unified social credit code -------------------------------------------------------------

# 91350100M000100Y43, the standard's example.  Values: 0-9 as digits, then A=10 B=11 ... H=17,
# J=18 K=19 L=20 M=21 N=22 P=23 Q=24 R=25 T=26 U=27 W=28 X=29 Y=30.
# chars   9 1 3  5  0  1  0  0  M  0  0  0 1  0  0  Y  4
# weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
# sum = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31 - 28 = 3 -> "3"
VALID_CODE = "91350100M000100Y43"


def test_valid_credit_code():
    assert credit_code_error(VALID_CODE) is None
    assert credit_code_error(" 91350100m000100y43 ") is None
    assert make_credit_code("91350100M000100Y4") == VALID_CODE


def test_check_value_31_is_written_as_0():
    # All zeros: sum 0, 31 - 0 = 31 -> written 0.
    assert make_credit_code("0" * 17) == "0" * 18
    assert credit_code_error("0" * 18) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100I000100Y43", "not allowed"),  # I is excluded
        ("91350100O000100Y43", "not allowed"),  # O is excluded
        ("91350100S000100Y43", "not allowed"),
        ("91350100V000100Y43", "not allowed"),
        ("91350100Z000100Y43", "not allowed"),
    ],
)
def test_invalid_credit_codes(value, fragment):
    error = credit_code_error(value)
    assert error is not None and fragment in error


def test_make_credit_code_refuses_bad_input():
    with pytest.raises(ValueError):
        make_credit_code("91350100I000100Y4")


# --- Mobile ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value", ["13812345678", "+86 138-1234-5678", "8613812345678", "199 1234 5678"]
)
def test_valid_mobiles(value):
    assert mobile_error(value) is None
    assert normalize_mobile(value) in {"13812345678", "19912345678"}


@pytest.mark.parametrize(
    "value", ["12812345678", "1381234567", "138123456789", "23812345678", "", "138abc45678"]
)
def test_invalid_mobiles(value):
    assert mobile_error(value) is not None


# --- Masking --------------------------------------------------------------------------------

def test_masks_show_only_the_intended_characters():
    assert mask_id_number(VALID_ID) == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_card("6222021234567890123") == "****0123"


@pytest.mark.parametrize(
    ("value", "id_mask", "phone_mask", "card_mask"),
    [
        (None, "", "", "****"),
        ("", "", "", "****"),
        ("1", "*", "*", "****"),
        ("1234567", "*******", "*******", "****"),  # too short to show anything
        ("12345678", "********", "********", "****5678"),
        ("123456789012", "************", "123*****9012", "****9012"),
        # A legacy 15-digit ID still keeps 7 characters hidden.
        ("110105491231002", "1101*******1002", "110********1002", "****1002"),
    ],
)
def test_masks_of_short_or_odd_values_never_reveal_more(value, id_mask, phone_mask, card_mask):
    assert mask_id_number(value) == id_mask
    assert mask_phone(value) == phone_mask
    assert mask_card(value) == card_mask
