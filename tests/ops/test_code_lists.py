"""Code lists: each member is its stored code and carries its label; the domain's own codes
agree with the models' ones.

The stored codes are the database's and the API's words: the tables below are written out by
hand so that renaming a code (which would need a migration) cannot pass unnoticed.
"""

from __future__ import annotations

from flask_babel import force_locale

from app.domain.allocation import PARTS, Strategy
from app.domain.contract_states import CONTRACT_TRANSITIONS
from app.domain.states import TRANSITIONS
from app.domain.terms import DayCount as DomainDayCount
from app.domain.terms import Method
from app.models import enums
from app.models.enums import (
    AllocationPart,
    AllocationStrategy,
    ApplicationState,
    ContractState,
    DayCount,
    InstallmentState,
    LabelledEnum,
    LoanState,
    RepaymentMethod,
)

STORED = {
    LoanState: ["pending", "active", "overdue", "settled", "written_off"],
    InstallmentState: ["due", "partial", "paid", "overdue", "written_off", "cancelled"],
    ApplicationState: ["draft", "submitted", "scoring", "under_review", "approved", "rejected",
                       "withdrawn", "contracted", "disbursed", "repaying", "settled", "overdue",
                       "written_off"],
    ContractState: ["draft", "issued", "signed", "settled", "void"],
}


def code_lists() -> list[type[LabelledEnum]]:
    return [getattr(enums, name) for name in enums.__all__ if name != "LabelledEnum"]


def test_every_code_list_is_importable_from_one_place_and_labelled():
    lists = code_lists()
    assert len(lists) == 34
    assert set(lists) == set(LabelledEnum.__subclasses__())
    for enum in lists:
        for member in enum:
            assert type(member.value) is str and member == member.value
            assert enum(member.value) is member
            assert str(member) == member.value and f"{member}" == member.value
            assert str(member.label) and member.label is enum.labels()[member.value]


def test_the_stored_codes_stay_what_the_database_holds():
    for enum, codes in STORED.items():
        assert [m.value for m in enum] == codes
    assert LoanState.check_sql("state") == (
        "state IN ('pending', 'active', 'overdue', 'settled', 'written_off')")


def test_a_member_compares_as_its_code():
    assert LoanState.ACTIVE == "active" and "overdue" in (LoanState.ACTIVE, LoanState.OVERDUE)
    assert {"active": 1}[LoanState.ACTIVE] == 1  # hashes as its code: dict keys, sets
    assert LoanState.ACTIVE != InstallmentState.OVERDUE
    assert LoanState.OVERDUE == InstallmentState.OVERDUE  # the same word, the same code


def test_labels_are_translated(app):
    with app.app_context():
        with force_locale("zh_CN"):
            assert str(LoanState.ACTIVE.label) == "还款中"
        with force_locale("en"):
            assert str(LoanState.ACTIVE.label) == "Repaying"
            assert str(ApplicationState.UNDER_REVIEW.label) == "Under review"


def test_the_domain_codes_agree_with_the_models():
    """app/domain/ keeps its own codes (it may not import the models): the same words."""
    assert list(Strategy) == [m.value for m in AllocationStrategy]
    assert list(Method) == [m.value for m in RepaymentMethod]
    assert list(DomainDayCount) == [m.value for m in DayCount]
    assert set(TRANSITIONS) == {m.value for m in ApplicationState}
    assert set(CONTRACT_TRANSITIONS) == {m.value for m in ContractState}
    assert [*PARTS, "credit"] == [m.value for m in AllocationPart]
