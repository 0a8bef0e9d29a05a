"""A customer's or contact's name, e-mail and date of birth; money to the fen.

The names are real shapes a Chinese back office meets (a Uyghur name with its middle dot,
an enterprise with a branch in full-width brackets, a rare character outside the BMP) and
the hostile ones a form or the API receives (zero-width, bidi override, emoji).
"""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.money import fen_error
from app.domain.validators import (
    birth_date_error,
    email_error,
    has_hidden_characters,
    legal_name_error,
)

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("name", ["王伟", "买买提·艾力", "福建某某（厦门）有限公司", "𠮷野家",
                                  "Zoë O'Brien-Smith", " 李娜 ", "<b>x</b>", "=1+1"])
def test_real_names_and_plain_text_are_names(name):
    assert legal_name_error(name) is None


@pytest.mark.parametrize("name,why", [
    ("", "Enter the name."), ("  \u3000", "Enter the name."),
    ("\u200b", "invisible"), ("王\u200d伟", "invisible"), ("\u202eevil", "invisible"),
    ("李\u2066娜", "invisible"), ("王\t伟", "invisible"), ("王\x00伟", "invisible"),
    ("王伟😀", "emoji"), ("👍🏻", "emoji"), ("🇨🇳中国", "emoji"), ("1\ufe0f\u20e3", "emoji"),
    ("\U000f0000", "invisible"),  # private use: no glyph in the contract font
])
def test_hidden_characters_and_pictographs_are_refused(name, why):
    assert why in (legal_name_error(name) or "")


def test_hidden_characters_in_a_file_name():
    assert has_hidden_characters("invoice\u202egnp.pdf")
    assert has_hidden_characters("scan\r\n.pdf")
    assert not has_hidden_characters("扫描件 2026-01.pdf")


@pytest.mark.parametrize("email", ["a@b.cn", "zhang.san+loan@mail.example.com",
                                   "O'Neil@example.org", " li@example.com "])
def test_valid_emails(email):
    assert email_error(email) is None


@pytest.mark.parametrize("email", ["not an email", "a@b", "@example.com", "a@", "a..b@c.com",
                                   ".a@c.com", "a@-c.com", "张三@例子.中国", "a@b.c",
                                   "a b@c.com", "a@c.com\u200b", "x" * 250 + "@a.com"])
def test_invalid_emails(email):
    assert email_error(email) is not None


@pytest.mark.parametrize("birth,ok", [
    (date(2008, 6, 1), True),    # 18 today
    (date(2008, 6, 2), False),   # 18 tomorrow
    (date(1925, 6, 2), True),    # 100, 101 tomorrow
    (date(1925, 6, 1), False),   # 101 today
    (date(2026, 6, 2), False),   # tomorrow
    (date(1990, 2, 28), True),
])
def test_birth_date_is_an_adult_of_at_most_100(birth, ok):
    assert (birth_date_error(birth, today=TODAY) is None) is ok


def test_a_future_birth_date_says_so():
    assert "future" in birth_date_error(date(2090, 1, 1), today=TODAY)


@pytest.mark.parametrize("amount,ok", [("12.34", True), ("12.340", True), ("1E+3", True),
                                       ("0", True), ("-5.1", True), ("12.345", False),
                                       ("0.001", False), ("50000.005", False),
                                       ("NaN", False), ("Infinity", False)])
def test_money_is_kept_to_the_fen(amount, ok):
    assert (fen_error(Decimal(amount)) is None) is ok
