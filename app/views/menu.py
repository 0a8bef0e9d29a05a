"""The menu table: every screen and REST resource, registered in the firm's order
(``init_views``).  Each screen lives in its feature package (app/<feature>/*screens.py,
app/<feature>/resources.py); see ARCHITECTURE.md."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from app.api import openapi
from app.contracts.resources import ContractApi
from app.contracts.screens import ContractView
from app.contracts.template_screens import ContractTemplateView
from app.customers.document_screens import DocumentView
from app.customers.pool_screen import PoolView
from app.customers.resources import CustomerApi
from app.customers.screens import ConsentView, ContactView, CustomerView, FollowUpView
from app.firm.screens import FirmSettingView, LprRateView, RepaymentMethodView
from app.intake.resources import ApplicationApi
from app.intake.scoring_screens import (
    AssessmentFactorView,
    CreditAssessmentView,
    ScoreBinView,
    ScorecardView,
    ScoreFactorView,
    ScoreGradeView,
)
from app.intake.screens import ApplicationView, DecisionView
from app.loans.collections_screen import CollectionsView
from app.loans.income_screens import CommissionBatchView, CommissionView, ServiceFeeView
from app.loans.resources import InstallmentApi, LoanApi, RepaymentApi
from app.loans.screens import (
    InstallmentView,
    LoanView,
    ReminderView,
    RepaymentAllocationView,
    RepaymentView,
)
from app.org.screens import AuditLogView, BranchView, StaffView, TeamView
from app.org.setup_screen import SetupView
from app.products.resources import ChannelApi, FunderApi, ProductApi
from app.products.screens import ChannelView, FunderView, LoanProductView
from app.quotes.resources import ScheduleApi
from app.quotes.screens import CalculatorView
from app.reports.resources import DashboardApi, ReportsApi
from app.reports.screens import DashboardView, ReportsView

from .lookup import LookupView

# (view, menu label, icon, category key); None as label = registered without a menu entry.
MENU = [
    (CustomerView, _l("Customers"), "fa-user", "customers"),
    (PoolView, _l("Public pool"), "fa-life-ring", "customers"),
    (ContactView, _l("Contacts"), "fa-address-book", "customers"),
    (FollowUpView, _l("Follow-ups"), "fa-comments", "customers"),
    (DocumentView, _l("Documents"), "fa-file", "customers"),
    (ConsentView, _l("Consents"), "fa-check-square", "customers"),
    (ApplicationView, _l("Applications"), "fa-inbox", "applications"),
    (CreditAssessmentView, _l("Credit assessments"), "fa-tachometer", "applications"),
    (DecisionView, _l("Decisions"), "fa-gavel", "applications"),
    (AssessmentFactorView, None, None, None),
    (LoanView, _l("Loans"), "fa-money", "loans"),
    (InstallmentView, _l("Installments"), "fa-calendar", "loans"),
    (CalculatorView, _l("Loan calculator"), "fa-calculator", "loans"),
    (RepaymentView, _l("Repayments"), "fa-credit-card", "repayments"),
    (RepaymentAllocationView, _l("Allocations"), "fa-list", "repayments"),
    (CollectionsView, _l("Due soon / overdue"), "fa-phone", "repayments"),
    (ReminderView, _l("Reminders"), "fa-bell", "repayments"),
    (ContractView, _l("Contracts"), "fa-file-text", "contracts"),
    (ContractTemplateView, _l("Contract templates"), "fa-file-code-o", "contracts"),
    (ChannelView, _l("Channels"), "fa-share-alt", "channels"),
    (ServiceFeeView, _l("Service fees"), "fa-jpy", "channels"),
    (CommissionView, _l("Commissions"), "fa-percent", "channels"),
    (CommissionBatchView, _l("Payout batches"), "fa-money", "channels"),
    (ReportsView, _l("Reports"), "fa-bar-chart", "reports"),
    (DashboardView, _l("Dashboard"), "fa-television", "reports"),
    (FunderView, _l("Funders"), "fa-university", "config"),
    (LoanProductView, _l("Loan products"), "fa-cubes", "config"),
    (ScorecardView, _l("Scorecards"), "fa-star", "config"),
    (ScoreFactorView, _l("Score factors"), "fa-sliders", "config"),
    (ScoreBinView, _l("Score bins"), "fa-th", "config"),
    (ScoreGradeView, _l("Grade bands"), "fa-signal", "config"),
    (LprRateView, _l("LPR rates"), "fa-line-chart", "config"),
    (RepaymentMethodView, _l("Repayment methods"), "fa-list-ol", "config"),
    (FirmSettingView, _l("Firm settings"), "fa-cog", "config"),
    (SetupView, _l("Firm details"), "fa-building-o", "config"),
    (BranchView, _l("Branches"), "fa-building", "org"),
    (TeamView, _l("Teams"), "fa-users", "org"),
    (StaffView, _l("Staff"), "fa-id-badge", "org"),
    (AuditLogView, _l("Audit log"), "fa-history", "org"),
]

CATEGORIES = {
    "customers": (_l("Customers"), "fa-user"),
    "applications": (_l("Applications"), "fa-inbox"),
    "loans": (_l("Loans"), "fa-money"),
    "repayments": (_l("Repayments"), "fa-credit-card"),
    "contracts": (_l("Contracts"), "fa-file-text"),
    "channels": (_l("Channels and fees"), "fa-share-alt"),
    "reports": (_l("Reports"), "fa-bar-chart"),
    "config": (_l("Configuration"), "fa-cog"),
    "org": (_l("Organisation"), "fa-sitemap"),
}


# The REST resources under /api/v1 (JWT login at /api/v1/security/login, the document at
# /api/v1/_openapi).
APIS = [CustomerApi, ApplicationApi, LoanApi, InstallmentApi, RepaymentApi, ContractApi,
        FunderApi, ProductApi, ChannelApi, ScheduleApi, ReportsApi, DashboardApi]


def init_views(appbuilder: AppBuilder) -> None:
    for view, label, icon, category in MENU:
        if label is None:
            appbuilder.add_view_no_menu(view)
            continue
        cat_label, cat_icon = CATEGORIES[category]
        # The menu name is a stable code (permissions refer to it); people see the label.
        appbuilder.add_view(view, view.__name__.removesuffix("View"), label=label, icon=icon, category=category,
                            category_label=cat_label, category_icon=cat_icon)
    appbuilder.add_view_no_menu(LookupView)
    for api in APIS:
        appbuilder.add_api(api)
    openapi.register(appbuilder)
