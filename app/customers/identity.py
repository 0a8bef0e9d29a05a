"""Who a customer is: valid identifiers (GB 11643, GB 32100, mobile) and no duplicates.

A customer with the same ID number or phone is never created twice: the salesperson is told
that it exists and whom to ask, and nothing else about the other record.  The database's
unique keys on the search hashes hold the line when two people submit at the same instant.
"""

from __future__ import annotations

import datetime as dt

from flask import request
from flask_babel import gettext
from sqlalchemy import select

from app.crypto import search_hash
from app.domain.validators import (
    credit_code_error,
    id_number_error,
    id_number_facts,
    mobile_error,
    normalize_id_number,
    normalize_mobile,
    normalize_name,
)
from app.extensions import db
from app.models import Customer, Staff
from app.models.enums import CustomerKind, Gender


def identity_errors(kind: str, id_number: str | None, credit_code: str | None,
                    phone: str | None, own_id: int | None = None,
                    creating: bool = True, birth_date: dt.date | None = None,
                    gender: str | None = None) -> dict[str, str]:
    """{field: translated message} for bad or already-registered identifiers, and a date of
    birth or sex that the ID number contradicts.  On an edit, an empty ID number or phone
    means "keep the stored one"."""
    errors: dict[str, str] = {}
    if kind == CustomerKind.PERSON and id_number:
        if (problem := id_number_error(id_number)) is not None:
            errors["id_number"] = gettext(problem)
        else:
            errors.update(_agreement_errors(id_number, birth_date, gender))
    elif kind == CustomerKind.PERSON and creating:
        errors["id_number"] = gettext("A person needs an ID number.")
    if kind == CustomerKind.ENTERPRISE:
        if not credit_code:
            errors["credit_code"] = gettext("An enterprise needs its unified social credit code.")
        elif (problem := credit_code_error(credit_code)) is not None:
            errors["credit_code"] = gettext(problem)
    if not phone and creating:
        errors["phone"] = gettext("Enter the customer's mobile number.")
    elif phone and (problem := mobile_error(phone)) is not None:
        errors["phone"] = gettext(problem)
    checks = [("id_number", Customer.id_number_hash, id_number and normalize_id_number(id_number)),
              ("phone", Customer.phone_hash, phone and normalize_mobile(phone))]
    for field, column, value in checks:
        if field in errors or not value:
            continue
        owner = _existing_owner(column, search_hash(value), own_id)
        if owner is not None:
            errors[field] = owner
    if kind == CustomerKind.ENTERPRISE and credit_code and "credit_code" not in errors:
        owner = _existing_owner(Customer.credit_code, credit_code.strip().upper(), own_id)
        if owner is not None:
            errors["credit_code"] = owner
    return errors


def _agreement_errors(id_number: str, birth_date, gender) -> dict[str, str]:
    """The ID number states the date of birth and the sex: typed ones must agree."""
    born, sex = id_number_facts(id_number)
    errors = {}
    if isinstance(birth_date, dt.date) and birth_date != born:
        errors["birth_date"] = gettext(
            "The ID number gives %(date)s as the date of birth.", date=born.isoformat())
    if gender in (Gender.MALE, Gender.FEMALE) and gender != sex:
        errors["gender"] = gettext("The ID number is a man's.") if sex == Gender.MALE else gettext(
            "The ID number is a woman's.")
    return errors


def _existing_owner(column, value, own_id: int | None) -> str | None:
    query = select(Customer.id, Customer.owner_id).where(column == value)
    if own_id is not None:
        query = query.where(Customer.id != own_id)
    row = db.session.execute(query).first()  # all owners: a duplicate is one whoever has it
    if row is None:
        return None
    staff = db.session.get(Staff, row.owner_id) if row.owner_id else None
    if staff is None:
        return gettext("This customer is already registered, in the public pool: claim it "
                       "there instead of creating it again.")
    return gettext("This customer is already registered and looked after by %(name)s "
                   "(%(branch)s); please contact them.", name=staff.full_name,
                   branch=staff.branch.name)


def with_identity_checks(form_class):
    """The customer form, plus the identity and duplicate checks as field errors."""

    class CustomerForm(form_class):
        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            own_id = request.view_args.get("pk") if request.view_args else None
            errors = identity_errors(
                self.kind.data, _typed(self, "id_number"), _typed(self, "credit_code"),
                _typed(self, "phone"), own_id=int(own_id) if own_id else None,
                creating=own_id is None,
                birth_date=getattr(getattr(self, "birth_date", None), "data", None),
                gender=getattr(getattr(self, "gender", None), "data", None))
            for field, message in errors.items():
                getattr(self, field).errors = [*getattr(self, field).errors, message]
            return ok and not errors

    return CustomerForm


def _typed(form, name):
    field = getattr(form, name, None)
    if field is None:
        return None
    value = getattr(field, "typed", field.data)  # a sensitive field: what was typed
    return value.strip() if isinstance(value, str) and value.strip() else None


def normalise_identity(customer: Customer) -> None:
    """Store identifiers in one canonical form, so their hashes match however typed, the
    name without the blanks around it, and a person's date of birth and sex from the ID
    number when left empty."""
    if isinstance(customer.name, str):
        customer.name = normalize_name(customer.name)
    if customer.id_number:
        customer.id_number = normalize_id_number(customer.id_number)
        facts = (id_number_facts(customer.id_number) if customer.kind == CustomerKind.PERSON
                 else None)
        if facts is not None:  # what the ID number states fills what was left empty
            customer.birth_date = customer.birth_date or facts[0]
            customer.gender = customer.gender or facts[1]
    if customer.phone:
        customer.phone = normalize_mobile(customer.phone)
    if customer.credit_code:
        customer.credit_code = customer.credit_code.strip().upper()
