"""Coded values stored in the database, each member with its translated label.

Codes are English (stable, used by the API); people only ever see the labels.  A member is
declared with both, ``ACTIVE = ("active", _l("Active"))`` (base.py): it equals and stores
as its code, and says itself as ``.label``.  Code compares members (``LoanState.ACTIVE``),
never the code's literal.  A column declares its code list with
``info={"choices": SomeEnum}``: the generic views turn that into a select box, a translated
list column and a CHECK constraint.

One module per feature, named after the model module whose columns use the codes;
``from app.models.enums import X`` imports any of them.
"""

from .application import ApplicationState, DecisionOutcome, Recommendation
from .audit import AuditAction
from .base import LabelledEnum
from .contract import (
    ContractKind,
    ContractState,
    JobState,
    ReminderChannel,
    ReminderKind,
    ReminderState,
)
from .customer import (
    ConsentScope,
    ContactMethod,
    ContactOutcome,
    CreditReportStatus,
    CustomerKind,
    CustomerStatus,
    DocumentKind,
    Gender,
)
from .finance import BatchState, CommissionState, FeeBasis, ServiceFeeState
from .loan import AllocationPart, InstallmentState, LoanState, PrepaymentMode
from .product import (
    AllocationStrategy,
    ChannelKind,
    CommissionBasis,
    DayCount,
    FeeEvent,
    FunderKind,
    RepaymentMethod,
    SettlementInterest,
)

__all__ = [
    "AllocationPart", "AllocationStrategy", "ApplicationState", "AuditAction", "BatchState",
    "ChannelKind", "CommissionBasis", "CommissionState", "ConsentScope", "ContactMethod",
    "ContactOutcome", "ContractKind", "ContractState", "CreditReportStatus", "CustomerKind",
    "CustomerStatus", "DayCount", "DecisionOutcome", "DocumentKind", "FeeBasis", "FeeEvent",
    "FunderKind", "Gender", "InstallmentState", "JobState", "LabelledEnum", "LoanState",
    "PrepaymentMode", "Recommendation", "ReminderChannel", "ReminderKind", "ReminderState",
    "RepaymentMethod", "ServiceFeeState", "SettlementInterest",
]
