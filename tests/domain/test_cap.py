"""Legal cap: 4 x the 1-year LPR at the contract date, or the firm's own cap."""

from datetime import date
from decimal import Decimal as D
from itertools import pairwise

import pytest

from app.domain import DomainError
from app.domain.cap import LPR_HISTORY, cap_error, check_cap, legal_cap, lpr_on


def test_lpr_history_is_the_published_series():
    assert LPR_HISTORY[0] == (date(2019, 8, 20), D("0.0425"))
    assert dict(LPR_HISTORY)[date(2020, 4, 20)] == D("0.0385")
    assert dict(LPR_HISTORY)[date(2024, 10, 21)] == D("0.0310")
    dates = [d for d, _ in LPR_HISTORY]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    rates = [r for _, r in LPR_HISTORY]
    assert all(a > b for a, b in pairwise(rates))  # every change was a cut


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 1), (date(2025, 5, 20), D("0.0300"))),  # 3.00 % through 2026
        (date(2025, 5, 20), (date(2025, 5, 20), D("0.0300"))),  # the change day itself
        (date(2025, 5, 19), (date(2024, 10, 21), D("0.0310"))),
        (date(2021, 1, 1), (date(2020, 4, 20), D("0.0385"))),
        (date(2019, 8, 20), (date(2019, 8, 20), D("0.0425"))),
        (date(2019, 8, 19), None),  # before the reformed LPR existed
    ],
)
def test_lpr_on(day, expected):
    assert lpr_on(LPR_HISTORY, day) == expected


def test_lpr_on_does_not_need_sorted_rows():
    rows = [(date(2025, 5, 20), D("0.03")), (date(2019, 8, 20), D("0.0425"))]
    assert lpr_on(rows, date(2024, 1, 1)) == (date(2019, 8, 20), D("0.0425"))


def test_legal_cap_is_four_times_the_lpr():
    assert legal_cap(D("0.03")) == D("0.12")
    assert legal_cap(D("0.0385")) == D("0.1540")
    assert legal_cap(D("0.03"), multiple=3) == D("0.09")


def test_check_cap_against_four_times_lpr():
    over = check_cap(D("0.128038"), D("0.03"), date(2025, 5, 20))
    assert (over.rate, over.exceeds, over.source) == (D("0.12"), True, "lpr")
    at_cap = check_cap(D("0.12"), D("0.03"), date(2025, 5, 20))
    assert not at_cap.exceeds  # only interest above the cap loses protection


def test_firm_cap_replaces_four_times_lpr():
    check = check_cap(D("0.20"), D("0.03"), date(2025, 5, 20), firm_cap=D("0.24"))
    assert (check.rate, check.exceeds, check.source) == (D("0.24"), False, "firm_override")
    assert check_cap(D("0.2401"), None, None, firm_cap=D("0.24")).exceeds


def test_unknown_lpr_is_refused_not_waved_through():
    with pytest.raises(DomainError) as error:
        check_cap(D("0.05"), None, None)
    assert list(error.value.errors) == ["annual_rate"]


def test_cap_error_names_rate_cap_and_lpr_date():
    error = cap_error(check_cap(D("0.128038"), D("0.03"), date(2025, 5, 20)))
    (msgid, _params), = error.errors["annual_rate"]
    assert "%(apr)s" in msgid and "%(cap)s" in msgid and "%(lpr_date)s" in msgid
    assert error.messages()["annual_rate"] == [
        ("The annualized rate 12.80% is above the legal cap of 12.00%, which is 4 × the "
         "1-year LPR 3.00% published on 2025-05-20.")]
    firm = cap_error(check_cap(D("0.30"), None, None, firm_cap=D("0.24")))
    assert firm.messages()["annual_rate"] == [
        "The annualized rate 30.00% is above the firm's cap of 24.00%."]
