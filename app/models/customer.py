"""Customers and what hangs off them: contacts, follow-ups, documents, consents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..crypto import EncryptedString, search_hash
from ..domain.validators import (
    birth_date_error,
    email_error,
    legal_name_error,
    mask_card,
    mask_id_number,
    mask_phone,
    mobile_error,
)
from .base import (
    Model,
    Money,
    OwnedMixin,
    TimestampMixin,
    VersionedMixin,
    coded,
    non_negative,
    utcnow,
)
from .enums import (
    ConsentScope,
    ContactMethod,
    ContactOutcome,
    CreditReportStatus,
    CustomerKind,
    CustomerStatus,
    DocumentKind,
    Gender,
)


class Customer(OwnedMixin, TimestampMixin, VersionedMixin, Model):
    """A borrower: a person (ID number) or an enterprise (unified social credit code)."""

    __tablename__ = "customer"
    __table_args__ = (
        non_negative("monthly_income"),
        CheckConstraint("social_insurance_months >= 0", name="social_insurance_months"),
        CheckConstraint("housing_fund_months >= 0", name="housing_fund_months"),
        CheckConstraint(
            "(kind = 'person' AND id_number IS NOT NULL) OR "
            "(kind = 'enterprise' AND credit_code IS NOT NULL)",
            name="identity_present",
        ),
        Index("ix_customer_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = coded(CustomerKind, "kind", default="person")
    # info["rule"]: the check the forms and the API apply to a typed value (models/rules.py)
    name: Mapped[str] = mapped_column(String(100), index=True,
                                      info={"rule": legal_name_error})
    # Sensitive (PIPL): stored encrypted, found and kept unique through a keyed hash,
    # shown masked unless unmasked for a stated purpose.
    id_number: Mapped[str | None] = mapped_column(
        EncryptedString(),
        info={"label": _l("ID number"), "mask": mask_id_number, "hash": "id_number_hash"})
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    credit_code: Mapped[str | None] = mapped_column(
        String(18), unique=True, info={"label": _l("Unified social credit code")})
    phone: Mapped[str] = mapped_column(
        EncryptedString(), info={"label": _l("Phone"), "mask": mask_phone, "hash": "phone_hash"})
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    bank_name: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Bank")})
    bank_card: Mapped[str | None] = mapped_column(
        EncryptedString(), info={"label": _l("Bank card number"), "mask": mask_card})
    email: Mapped[str | None] = mapped_column(String(120), info={"rule": email_error})
    gender: Mapped[str | None] = mapped_column(
        String(1), CheckConstraint(Gender.check_sql("gender"), name="gender"),
        info={"label": _l("Gender"), "choices": Gender})
    birth_date: Mapped[dt.date | None] = mapped_column(
        Date, info={"label": _l("Date of birth"), "rule": birth_date_error})
    city: Mapped[str | None] = mapped_column(String(50), index=True, info={"label": _l("City")})
    address: Mapped[str | None] = mapped_column(String(255), info={"label": _l("Address")})
    employer: Mapped[str | None] = mapped_column(String(120), info={"label": _l("Employer")})
    occupation: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Occupation")})
    monthly_income: Mapped[Decimal | None] = mapped_column(Money,
                                                           info={"label": _l("Monthly income")})
    monthly_debt_payment: Mapped[Decimal | None] = mapped_column(
        Money, info={"label": _l("Monthly debt payments")})
    years_employed: Mapped[int | None] = mapped_column(Integer,
                                                       info={"label": _l("Years employed")})
    # Qualifications (资质)
    has_property: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0",
                                               info={"label": _l("Owns property")})
    has_car: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0",
                                          info={"label": _l("Owns a car")})
    social_insurance_months: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", info={"label": _l("Social insurance (months)")})
    housing_fund_months: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                                     info={"label": _l("Housing fund (months)")})
    has_insurance_policy: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0", info={"label": _l("Holds an insurance policy")})
    has_business_licence: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0", info={"label": _l("Holds a business licence")})
    business_age_years: Mapped[int | None] = mapped_column(
        Integer, info={"label": _l("Business age (years)")})
    credit_report_status: Mapped[str] = coded(CreditReportStatus, "credit_report_status",
                                              default="none", label=_l("Credit report"))
    overdue_count_24m: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                                   info={"label": _l("Overdue count (24 months)")})
    inquiries_6m: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                              info={"label": _l("Credit inquiries (6 months)")})
    existing_loans: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                                info={"label": _l("Existing loans")})
    status: Mapped[str] = coded(CustomerStatus, "status", default="lead", index=True,
                                label=_l("Status"))
    blacklist_reason: Mapped[str | None] = mapped_column(String(255),
                                                         info={"label": _l("Blacklist reason")})
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"), index=True)
    last_followup_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime, index=True, info={"label": _l("Last follow-up")})
    note: Mapped[str | None] = mapped_column(Text)

    channel = relationship("Channel", info={"label": _l("Channel")})
    contacts = relationship("Contact", back_populates="customer", cascade="all, delete-orphan",
                            info={"label": _l("Contacts")})
    followups = relationship("FollowUp", back_populates="customer", cascade="all, delete-orphan",
                             info={"label": _l("Follow-ups")})
    documents = relationship("Document", back_populates="customer", info={"label": _l("Documents")})
    consents = relationship("Consent", back_populates="customer", info={"label": _l("Consents")})

    @validates("id_number", "phone")
    def _keep_search_hash(self, key: str, value: str | None) -> str | None:
        setattr(self, f"{key}_hash", search_hash(value))
        return value

    def __repr__(self) -> str:
        return self.name


class Contact(TimestampMixin, VersionedMixin, Model):
    __tablename__ = "contact"
    __scope_parent__ = "customer"  # scoped through its customer

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), info={"rule": legal_name_error})
    relation: Mapped[str | None] = mapped_column(String(32), info={"label": _l("Relationship")})
    phone: Mapped[str | None] = mapped_column(
        EncryptedString(), info={"label": _l("Phone"), "mask": mask_phone, "rule": mobile_error})
    note: Mapped[str | None] = mapped_column(String(255))

    customer = relationship("Customer", back_populates="contacts", info={"label": _l("Customer")})

    def __repr__(self) -> str:
        return self.name


class FollowUp(VersionedMixin, Model):
    __tablename__ = "follow_up"
    __scope_parent__ = "customer"  # scoped through its customer
    __table_args__ = (Index("ix_follow_up_customer_when", "customer_id", "happened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    happened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow,
                                                     info={"label": _l("When")})
    method: Mapped[str] = coded(ContactMethod, "method", default="phone", label=_l("Method"))
    note: Mapped[str] = mapped_column(Text)
    next_date: Mapped[dt.date | None] = mapped_column(Date, index=True,
                                                      info={"label": _l("Next follow-up")})
    # Collection calls from the due-soon / overdue work list: about which installment, and
    # what came of it.
    installment_id: Mapped[int | None] = mapped_column(ForeignKey("installment.id"), index=True)
    outcome: Mapped[str | None] = coded(ContactOutcome, "outcome", nullable=True,
                                        label=_l("Outcome"))

    customer = relationship("Customer", back_populates="followups", info={"label": _l("Customer")})
    staff = relationship("Staff", info={"label": _l("Staff")})
    installment = relationship("Installment", info={"label": _l("Installment")})

    def __repr__(self) -> str:
        return f"{self.happened_at:%Y-%m-%d} {self.method}"


class Document(Model):
    """An uploaded file; the bytes live outside the web root under ``stored_name``."""

    __tablename__ = "document"
    __scope_parent__ = "customer"  # scoped through its customer
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_bytes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[str] = coded(DocumentKind, "kind", default="other")
    original_name: Mapped[str] = mapped_column(String(255), info={"label": _l("File name")})
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(64), info={"label": _l("File type")})
    size_bytes: Mapped[int] = mapped_column(BigInteger, info={"label": _l("Size (bytes)")})
    sha256: Mapped[str] = mapped_column(String(64), index=True, info={"label": _l("SHA-256")})
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow,
                                                     info={"label": _l("Uploaded")})

    customer = relationship("Customer", back_populates="documents", info={"label": _l("Customer")})
    application = relationship("Application", back_populates="documents",
                               info={"label": _l("Application")})
    uploaded_by = relationship("Staff", info={"label": _l("Uploaded by")})

    def __repr__(self) -> str:
        return self.original_name


class Consent(VersionedMixin, Model):
    """A PIPL consent: separate for sensitive data and for credit-report queries."""

    __tablename__ = "consent"
    __scope_parent__ = "customer"  # scoped through its customer
    __table_args__ = (Index("ix_consent_customer_scope", "customer_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    scope: Mapped[str] = coded(ConsentScope, "scope", label=_l("Scope"))
    purpose: Mapped[str] = mapped_column(String(255), info={"label": _l("Purpose")})
    granted_on: Mapped[dt.date] = mapped_column(Date, info={"label": _l("Granted on")})
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    customer = relationship("Customer", back_populates="consents", info={"label": _l("Customer")})
    document = relationship("Document", info={"label": _l("Document")})
    recorded_by = relationship("Staff", info={"label": _l("Recorded by")})

    def __repr__(self) -> str:
        return f"{self.scope} {self.granted_on}"
