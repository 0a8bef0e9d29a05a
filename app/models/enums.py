"""Coded values stored in the database, with their translated labels.

Codes are English (stable, used by the API); people only ever see the labels.  A column
declares its code list with ``info={"choices": SomeEnum}``: the generic views turn that
into a select box, a translated list column and a CHECK constraint.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class LabelledEnum(StrEnum):
    @classmethod
    def labels(cls) -> dict[str, object]:
        return {m.value: m.label for m in cls}

    @property
    def label(self) -> object:
        return self._labels()[self.value]

    @classmethod
    def _labels(cls) -> dict[str, object]:  # overridden by each enum
        raise LookupError(cls.__name__)

    @classmethod
    def check_sql(cls, column: str) -> str:
        values = ", ".join(f"'{m.value}'" for m in cls)
        return f"{column} IN ({values})"


class CustomerKind(LabelledEnum):
    PERSON = "person"
    ENTERPRISE = "enterprise"

    @classmethod
    def _labels(cls):
        return {"person": _l("Person"), "enterprise": _l("Enterprise")}


class Gender(LabelledEnum):
    MALE = "M"
    FEMALE = "F"

    @classmethod
    def _labels(cls):
        return {"M": _l("Male"), "F": _l("Female")}


class CustomerStatus(LabelledEnum):
    LEAD = "lead"
    ACTIVE = "active"
    BLACKLISTED = "blacklisted"

    @classmethod
    def _labels(cls):
        return {"lead": _l("Lead"), "active": _l("Active"), "blacklisted": _l("Blacklisted")}


class CreditReportStatus(LabelledEnum):
    NONE = "none"
    CLEAN = "clean"
    MINOR = "minor"
    SERIOUS = "serious"

    @classmethod
    def _labels(cls):
        return {"none": _l("No credit record"), "clean": _l("Clean"),
                "minor": _l("Minor delinquencies"), "serious": _l("Serious delinquencies")}


class ContactMethod(LabelledEnum):
    PHONE = "phone"
    WECHAT = "wechat"
    VISIT = "visit"
    SMS = "sms"
    EMAIL = "email"

    @classmethod
    def _labels(cls):
        return {"phone": _l("Phone call"), "wechat": _l("WeChat"), "visit": _l("Visit"),
                "sms": _l("SMS"), "email": _l("E-mail")}


class DocumentKind(LabelledEnum):
    ID_CARD = "id_card"
    INCOME_PROOF = "income_proof"
    BANK_STATEMENT = "bank_statement"
    CREDIT_REPORT = "credit_report"
    PROPERTY = "property"
    BUSINESS_LICENCE = "business_licence"
    SIGNED_CONTRACT = "signed_contract"
    CONSENT = "consent"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {"id_card": _l("ID card"), "income_proof": _l("Income proof"),
                "bank_statement": _l("Bank statement"), "credit_report": _l("Credit report"),
                "property": _l("Property certificate"),
                "business_licence": _l("Business licence"),
                "signed_contract": _l("Signed contract"), "consent": _l("Signed consent"),
                "other": _l("Other")}


class ConsentScope(LabelledEnum):
    SENSITIVE_DATA = "sensitive_data"
    CREDIT_QUERY = "credit_query"

    @classmethod
    def _labels(cls):
        return {"sensitive_data": _l("Processing of sensitive personal information"),
                "credit_query": _l("Credit report query")}


class FunderKind(LabelledEnum):
    BANK = "bank"
    CONSUMER_FINANCE = "consumer_finance"
    MICRO_LENDER = "micro_lender"
    TRUST = "trust"

    @classmethod
    def _labels(cls):
        return {"bank": _l("Bank"), "consumer_finance": _l("Consumer finance company"),
                "micro_lender": _l("Micro-lender"), "trust": _l("Trust company")}


class RepaymentMethod(LabelledEnum):
    EQUAL_INSTALLMENT = "equal_installment"
    EQUAL_PRINCIPAL = "equal_principal"
    INTEREST_ONLY = "interest_only"
    BULLET = "bullet"

    @classmethod
    def _labels(cls):
        return {"equal_installment": _l("Equal installment"),
                "equal_principal": _l("Equal principal"),
                "interest_only": _l("Interest only, principal at maturity"),
                "bullet": _l("Bullet (principal and interest at maturity)")}


class DayCount(LabelledEnum):
    THIRTY_360 = "30/360"
    ACT_360 = "actual/360"
    ACT_365 = "actual/365"

    @classmethod
    def _labels(cls):
        return {"30/360": _l("30/360"), "actual/360": _l("Actual/360"),
                "actual/365": _l("Actual/365")}


class FeeEvent(LabelledEnum):
    APPROVAL = "approval"
    DISBURSEMENT = "disbursement"

    @classmethod
    def _labels(cls):
        return {"approval": _l("On approval"), "disbursement": _l("On disbursement")}


class ChannelKind(LabelledEnum):
    LEAD_SOURCE = "lead_source"
    AGENT = "agent"

    @classmethod
    def _labels(cls):
        return {"lead_source": _l("Lead source"), "agent": _l("Agent partner")}


class CommissionBasis(LabelledEnum):
    FEE = "fee"
    DISBURSED = "disbursed"

    @classmethod
    def _labels(cls):
        return {"fee": _l("Share of the service fee"),
                "disbursed": _l("Share of the disbursed amount")}


class ApplicationState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCORING = "scoring"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CONTRACTED = "contracted"
    DISBURSED = "disbursed"
    REPAYING = "repaying"
    SETTLED = "settled"
    OVERDUE = "overdue"
    WRITTEN_OFF = "written_off"

    @classmethod
    def _labels(cls):
        return {"draft": _l("Draft"), "submitted": _l("Submitted"), "scoring": _l("Scoring"),
                "under_review": _l("Under review"), "approved": _l("Approved"),
                "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
                "contracted": _l("Contracted"), "disbursed": _l("Disbursed"),
                "repaying": _l("Repaying"), "settled": _l("Settled"), "overdue": _l("Overdue"),
                "written_off": _l("Written off")}


class DecisionOutcome(LabelledEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"

    @classmethod
    def _labels(cls):
        return {"approve": _l("Approve"), "reject": _l("Reject"),
                "return": _l("Return for more documents")}


class Recommendation(LabelledEnum):
    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"

    @classmethod
    def _labels(cls):
        return {"approve": _l("Approve"), "review": _l("Manual review"), "reject": _l("Reject")}


class LoanState(LabelledEnum):
    PENDING = "pending"
    ACTIVE = "active"
    OVERDUE = "overdue"
    SETTLED = "settled"
    WRITTEN_OFF = "written_off"

    @classmethod
    def _labels(cls):
        return {"pending": _l("Awaiting disbursement"), "active": _l("Repaying"),
                "overdue": _l("Overdue"), "settled": _l("Settled"),
                "written_off": _l("Written off")}


class InstallmentState(LabelledEnum):
    DUE = "due"
    PARTIAL = "partial"
    PAID = "paid"
    OVERDUE = "overdue"
    WRITTEN_OFF = "written_off"
    CANCELLED = "cancelled"  # beyond a term shortened by a prepayment

    @classmethod
    def _labels(cls):
        return {"due": _l("Not yet due"), "partial": _l("Partly paid"), "paid": _l("Paid"),
                "overdue": _l("Overdue"), "written_off": _l("Written off"),
                "cancelled": _l("Cancelled by a prepayment")}


class AllocationPart(LabelledEnum):
    PENALTY = "penalty"
    FEE = "fee"
    INTEREST = "interest"
    PRINCIPAL = "principal"
    CREDIT = "credit"

    @classmethod
    def _labels(cls):
        return {"penalty": _l("Penalty interest"), "fee": _l("Fee"), "interest": _l("Interest"),
                "principal": _l("Principal"), "credit": _l("Customer credit (overpayment)")}


class FeeBasis(LabelledEnum):
    PERCENT_APPROVED = "percent_approved"
    PERCENT_DISBURSED = "percent_disbursed"
    FIXED = "fixed"

    @classmethod
    def _labels(cls):
        return {"percent_approved": _l("Percentage of the approved amount"),
                "percent_disbursed": _l("Percentage of the disbursed amount"),
                "fixed": _l("Fixed sum")}


class ServiceFeeState(LabelledEnum):
    CHARGED = "charged"
    RECEIVED = "received"
    REFUNDED = "refunded"

    @classmethod
    def _labels(cls):
        return {"charged": _l("Charged"), "received": _l("Received"), "refunded": _l("Refunded")}


class CommissionState(LabelledEnum):
    PENDING = "pending"
    PAYABLE = "payable"
    PAID = "paid"
    CLAWED_BACK = "clawed_back"

    @classmethod
    def _labels(cls):
        return {"pending": _l("Pending"), "payable": _l("Payable"), "paid": _l("Paid"),
                "clawed_back": _l("Clawed back")}


class ContractKind(LabelledEnum):
    LOAN = "loan"
    SERVICE = "service"
    CREDIT_AUTHORIZATION = "credit_authorization"

    @classmethod
    def _labels(cls):
        return {"loan": _l("Loan contract"), "service": _l("Intermediary service contract"),
                "credit_authorization": _l("Credit report query authorisation")}


class ContractState(LabelledEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SIGNED = "signed"
    SETTLED = "settled"
    VOID = "void"

    @classmethod
    def _labels(cls):
        return {"draft": _l("Draft"), "issued": _l("Issued"), "signed": _l("Signed"),
                "settled": _l("Settled"), "void": _l("Void")}


class ReminderChannel(LabelledEnum):
    SMS = "sms"
    EMAIL = "email"

    @classmethod
    def _labels(cls):
        return {"sms": _l("SMS"), "email": _l("E-mail")}


class ReminderKind(LabelledEnum):
    BEFORE_DUE = "before_due"
    OVERDUE = "overdue"

    @classmethod
    def _labels(cls):
        return {"before_due": _l("Before due date"), "overdue": _l("Overdue")}


class ReminderState(LabelledEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed"),
                "cancelled": _l("Cancelled")}


class AuditAction(LabelledEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    UNMASK = "unmask"
    EXPORT = "export"
    TRANSITION = "transition"
    PERMISSION = "permission"

    @classmethod
    def _labels(cls):
        return {"create": _l("Created"), "update": _l("Updated"), "delete": _l("Deleted"),
                "login": _l("Logged in"), "login_failed": _l("Failed login"),
                "unmask": _l("Viewed sensitive data"), "export": _l("Exported"),
                "transition": _l("State change"), "permission": _l("Permission change")}


class AllocationStrategy(LabelledEnum):
    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"

    @classmethod
    def _labels(cls):
        return {"vertical": _l("Installment by installment (oldest first)"),
                "horizontal": _l("Part by part across installments")}


class SettlementInterest(LabelledEnum):
    TO_DATE = "to_date"
    FULL_PERIOD = "full_period"

    @classmethod
    def _labels(cls):
        return {"to_date": _l("Interest to the payment date"),
                "full_period": _l("The current period's full interest")}


class PrepaymentMode(LabelledEnum):
    SHORTEN_TERM = "shorten_term"
    LOWER_INSTALLMENT = "lower_installment"

    @classmethod
    def _labels(cls):
        return {"shorten_term": _l("Shorten the term"),
                "lower_installment": _l("Lower the installments")}


class BatchState(LabelledEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"

    @classmethod
    def _labels(cls):
        return {"draft": _l("Awaiting confirmation"), "confirmed": _l("Confirmed and paid")}


class JobState(LabelledEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def _labels(cls):
        return {"running": _l("Running"), "done": _l("Done"), "failed": _l("Failed")}


class ContactOutcome(LabelledEnum):
    PROMISED = "promised"
    PAID = "paid"
    NO_ANSWER = "no_answer"
    REFUSED = "refused"
    WRONG_NUMBER = "wrong_number"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {"promised": _l("Promised to pay"), "paid": _l("Says it is paid"),
                "no_answer": _l("No answer"), "refused": _l("Refuses to pay"),
                "wrong_number": _l("Wrong number"), "other": _l("Other")}
