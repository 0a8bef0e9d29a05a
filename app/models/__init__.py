"""All LoanDesk models, importable from one place (Alembic and the views need them all)."""

from .application import (  # noqa: F401
    Application,
    AssessmentFactor,
    CreditAssessment,
    Decision,
    ScoreBin,
    Scorecard,
    ScoreFactor,
    ScoreGrade,
)
from .base import Model  # noqa: F401
from .contract import (  # noqa: F401
    Contract,
    ContractCounter,
    ContractTemplate,
    JobRun,
    Reminder,
    ReminderAttempt,
)
from .customer import Consent, Contact, Customer, Document, FollowUp  # noqa: F401
from .finance import Commission, CommissionBatch, ServiceFee  # noqa: F401
from .loan import Installment, Loan, Repayment, RepaymentAllocation  # noqa: F401
from .org import Branch, Staff, Team  # noqa: F401
from .product import Channel, Funder, LoanProduct, RepaymentMethodOption  # noqa: F401
from .report import PortfolioSnapshot  # noqa: F401
from .security import LoginLockout, UserSetting  # noqa: F401
from .settings import AuditLog, FirmSetting, LprRate  # noqa: F401
