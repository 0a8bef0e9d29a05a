"""Codes of customers, their contacts and follow-ups (a collections call's outcome too),
documents and consents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class CustomerKind(LabelledEnum):
    PERSON = ("person", _l("Person"))
    ENTERPRISE = ("enterprise", _l("Enterprise"))


class Gender(LabelledEnum):
    MALE = ("M", _l("Male"))
    FEMALE = ("F", _l("Female"))


class CustomerStatus(LabelledEnum):
    LEAD = ("lead", _l("Lead"))
    ACTIVE = ("active", _l("Active"))
    BLACKLISTED = ("blacklisted", _l("Blacklisted"))


class CreditReportStatus(LabelledEnum):
    NONE = ("none", _l("No credit record"))
    CLEAN = ("clean", _l("Clean"))
    MINOR = ("minor", _l("Minor delinquencies"))
    SERIOUS = ("serious", _l("Serious delinquencies"))


class ContactMethod(LabelledEnum):
    PHONE = ("phone", _l("Phone call"))
    WECHAT = ("wechat", _l("WeChat"))
    VISIT = ("visit", _l("Visit"))
    SMS = ("sms", _l("SMS"))
    EMAIL = ("email", _l("E-mail"))


class DocumentKind(LabelledEnum):
    ID_CARD = ("id_card", _l("ID card"))
    INCOME_PROOF = ("income_proof", _l("Income proof"))
    BANK_STATEMENT = ("bank_statement", _l("Bank statement"))
    CREDIT_REPORT = ("credit_report", _l("Credit report"))
    PROPERTY = ("property", _l("Property certificate"))
    BUSINESS_LICENCE = ("business_licence", _l("Business licence"))
    SIGNED_CONTRACT = ("signed_contract", _l("Signed contract"))
    CONSENT = ("consent", _l("Signed consent"))
    OTHER = ("other", _l("Other"))


class ConsentScope(LabelledEnum):
    SENSITIVE_DATA = ("sensitive_data", _l("Processing of sensitive personal information"))
    CREDIT_QUERY = ("credit_query", _l("Credit report query"))


class ContactOutcome(LabelledEnum):
    PROMISED = ("promised", _l("Promised to pay"))
    PAID = ("paid", _l("Says it is paid"))
    NO_ANSWER = ("no_answer", _l("No answer"))
    REFUSED = ("refused", _l("Refuses to pay"))
    WRONG_NUMBER = ("wrong_number", _l("Wrong number"))
    OTHER = ("other", _l("Other"))
