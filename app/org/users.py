"""Users are staff: a login and its staff profile are made together, and the firm's first-run
setup.  Each business action validates everything, changes the database in one transaction
(the audit trail rides on it, app/audit.py) and raises a ``DomainError`` keyed by form field.

* ``create_login``: the admin's "new user" form — login, roles and staff profile at once.
* ``create_staff_profile``: the one-click fix for a login made without a profile.
* ``save_firm_setup``: the firm's details and its first branch (/setup/, whose screen is
  app/org/setup_screen.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app, g
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from app.domain import DomainError, ErrorCollector
from app.domain.i18n import N_
from app.domain.validators import (
    credit_code_error,
    email_error,
    has_hidden_characters,
    legal_name_error,
    mobile_error,
    normalize_mobile,
)
from app.extensions import db
from app.firm.settings import DEFAULT_SETTINGS
from app.models import Branch, FirmSetting, Staff, Team

NAME_MAX = 32  # each of surname and given name: the staff profile's full name holds 64
USERNAME_MAX = 64  # the audit trail keeps usernames in 64 characters
# FAB's ab_user.email is NOT NULL and unique, yet many staff have no e-mail: a login made
# without one stores <username>@no-email.invalid (RFC 2606: .invalid never resolves), and
# the screens show it as empty.
NO_EMAIL_DOMAIN = "no-email.invalid"
ROLE_LABELS = {"Admin": _l("Admin"), "Manager": _l("Manager"), "Sales": _l("Sales"),
               "Reviewer": _l("Reviewer"), "Finance": _l("Finance"), "Auditor": _l("Auditor"),
               "Public": _l("Public (not logged in)")}


# -- names, roles, e-mail as people read them ---------------------------------------------
def person_name(surname: str | None, given: str | None) -> str:
    """姓名 without a space (陈晓东); a Latin-script name keeps its own order (Ada Lovelace)."""
    surname, given = (surname or "").strip(), (given or "").strip()
    if re.search(r"[A-Za-z]", surname) and re.search(r"[A-Za-z]", given):
        return f"{given} {surname}"
    return surname + given


def role_label(name: str) -> str:
    """A seeded role by its translated name; a role an admin made by its own name."""
    return str(ROLE_LABELS.get(name, name))


def roles_text(roles) -> str:
    separator = "、" if str(get_locale() or "").startswith("zh") else ", "
    return separator.join(role_label(role.name) for role in roles or ())


def assignable_roles():
    """Every role but FAB's Public (the anonymous visitor's)."""
    public = current_app.appbuilder.sm.auth_role_public
    return db.session.query(Role).filter(Role.name != public).order_by(Role.id)


def yes_no(value: object) -> str:
    return "" if value is None else str(_l("Yes") if value else _l("No"))


def placeholder_email(username: str) -> str:
    return f"{username.strip().lower()}@{NO_EMAIL_DOMAIN}"


def shown_email(email: str | None) -> str:
    return "" if not email or email.endswith("@" + NO_EMAIL_DOMAIN) else email


# -- staff profiles -----------------------------------------------------------------------
def staffed_user_ids() -> set[int]:
    return set(db.session.scalars(select(Staff.user_id).where(Staff.user_id.is_not(None))))


def users_without_staff() -> list[User]:
    """Active logins that no staff profile points to: they own nothing and reach nothing."""
    has_staff = select(Staff.id).where(Staff.user_id == User.id).exists()
    return list(db.session.scalars(select(User).where(~has_staff, User.active.is_(True))
                                   .order_by(User.username)))


def default_branch() -> Branch | None:
    """The acting admin's own branch, else the first one: a sensible preselection."""
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        own = db.session.scalar(select(Branch).join(Staff, Staff.branch_id == Branch.id)
                                .where(Staff.user_id == user.id))
        if own is not None:
            return own
    return db.session.scalar(select(Branch).order_by(Branch.code).limit(1))


def _check_text(errors: ErrorCollector, name: str, value: str, required: str | None,
                most: int) -> None:
    if not value:
        if required:
            errors.add(name, required)
    elif len(value) > most:
        errors.add(name, N_("At most %(n)s characters."), n=most)
    elif has_hidden_characters(value):
        errors.add(name, N_("Remove the invisible or control characters (zero-width "
                            "spaces, direction marks, tabs…)."))


def _check_placement(errors: ErrorCollector, branch: Branch | None, team: Team | None,
                     mobile: str) -> None:
    if branch is None:
        errors.add("branch", N_("Choose the staff member's branch."))
    elif team is not None and team.branch_id != branch.id:
        errors.add("team", N_("Team %(team)s belongs to another branch."), team=team.name)
    if mobile and mobile_error(mobile):
        errors.add("mobile", mobile_error(mobile))


# -- logins -------------------------------------------------------------------------------
PASSWORD_MIN_LENGTH = 10
CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


def password_complexity(password: str) -> None:
    """FAB's password validator hook; raises with a translated reason."""
    password = password or ""
    classes = sum(1 for pattern in CLASSES if re.search(pattern, password))
    if len(password) < PASSWORD_MIN_LENGTH or classes < 3:
        raise PasswordComplexityValidationError(gettext(
            "The password must have at least %(n)s characters and mix at least three of: "
            "lower-case letters, upper-case letters, digits and symbols.",
            n=PASSWORD_MIN_LENGTH))


@dataclass
class NewLogin:
    """What the admin's form asks: the person, the login, the roles, the placement."""

    surname: str
    given_name: str
    username: str
    password: str
    roles: list = field(default_factory=list)
    branch: Branch | None = None
    team: Team | None = None
    mobile: str = ""
    email: str = ""
    active: bool = True


def login_errors(new: NewLogin) -> None:
    """Raise a ``DomainError`` naming every field of ``new`` that cannot be saved."""
    _normalised(new)
    errors = ErrorCollector()
    _check_text(errors, "last_name", new.surname, N_("Enter the surname."), NAME_MAX)
    _check_text(errors, "first_name", new.given_name, N_("Enter the given name."), NAME_MAX)
    if not errors.has("last_name") and legal_name_error(new.surname + new.given_name):
        errors.add("last_name", legal_name_error(new.surname + new.given_name))
    if not new.username:
        errors.add("username", N_("Enter the username the person logs in with."))
    elif len(new.username) > USERNAME_MAX:
        errors.add("username", N_("At most %(n)s characters."), n=USERNAME_MAX)
    elif re.search(r"\s", new.username) or has_hidden_characters(new.username):
        errors.add("username", N_("A username has no spaces or invisible characters."))
    elif db.session.scalar(select(User.id).where(
            func.lower(User.username) == new.username.lower())) is not None:
        errors.add("username", N_("This username is taken: choose another."))
    try:
        password_complexity(new.password)
    except PasswordComplexityValidationError as error:
        errors.add("password", str(error))  # already in the user's language
    if not new.roles:
        errors.add("roles", N_("Choose at least one role."))
    _check_placement(errors, new.branch, new.team, new.mobile)
    if new.email:
        if email_error(new.email):
            errors.add("email", email_error(new.email))
        elif db.session.scalar(select(User.id).where(
                func.lower(User.email) == new.email.lower())) is not None:
            errors.add("email", N_("Another login already uses this e-mail address."))
    errors.raise_if_any()


def _normalised(new: NewLogin) -> NewLogin:
    new.surname, new.given_name = new.surname.strip(), new.given_name.strip()
    new.username, new.email = new.username.strip(), new.email.strip()
    new.mobile = normalize_mobile(new.mobile.strip()) if new.mobile.strip() else ""
    return new


def create_login(new: NewLogin) -> User:
    """The login and its staff profile, in one transaction; nothing is saved on refusal."""
    login_errors(new)
    config = current_app.config
    user = User(first_name=new.given_name, last_name=new.surname, username=new.username,
                email=new.email or placeholder_email(new.username), active=new.active,
                password=generate_password_hash(
                    new.password, method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
                    salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16)))
    user.roles = list(new.roles)
    staff = Staff(user=user, branch=new.branch, team=new.team, active=new.active,
                  full_name=person_name(new.surname, new.given_name),
                  phone=new.mobile or None, email=new.email or None)
    db.session.add_all([user, staff])
    _commit("username")
    return user


def create_staff_profile(user: User, branch: Branch | None, team: Team | None = None,
                         mobile: str = "") -> Staff:
    """A staff profile for a login that has none (its name from the login's)."""
    mobile = normalize_mobile(mobile.strip()) if mobile.strip() else ""
    errors = ErrorCollector()
    if db.session.scalar(select(Staff.id).where(Staff.user_id == user.id)) is not None:
        errors.add("branch", N_("This login already has a staff profile."))
    _check_placement(errors, branch, team, mobile)
    errors.raise_if_any()
    staff = Staff(user_id=user.id, branch=branch, team=team, active=bool(user.active),
                  full_name=person_name(user.last_name, user.first_name)[:64],
                  phone=mobile or None, email=shown_email(user.email) or None)
    db.session.add(staff)
    _commit("branch")
    return staff


def _commit(field_name: str) -> None:
    """Commit, or — another admin saved the same name a moment earlier — save nothing."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError.single(field_name, N_("Not saved: someone saved the same value a "
                                                "moment ago. Check the form and try again."))


# -- first-run setup ----------------------------------------------------------------------
FIRM_FIELDS = ("name", "credit_code", "address", "phone", "dispute_court", "city")
BRANCH_FIELDS = ("branch_code", "branch_name", "branch_city")
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{5,28}")


def _phone_error(value: str) -> str | None:
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.fullmatch(value) or not 7 <= digits <= 15:
        return N_("Enter a phone number, such as 0591-88880000 or 13812345678.")
    return None


def save_firm_setup(values: dict[str, str], branch: dict[str, str] | None) -> None:
    """The firm's details (and its first branch, while it has none) in one transaction."""
    values = {k: (values.get(k) or "").strip() for k in FIRM_FIELDS}
    values["credit_code"] = values["credit_code"].upper()
    errors = ErrorCollector()
    limits = {"name": 100, "address": 255, "phone": 30, "dispute_court": 100, "city": 50}
    for key, most in limits.items():
        _check_text(errors, key, values[key], N_("This field is required."), most)
    if not errors.has("name") and legal_name_error(values["name"]):
        errors.add("name", legal_name_error(values["name"]))
    if credit_code_error(values["credit_code"]):
        errors.add("credit_code", credit_code_error(values["credit_code"]))
    if values["phone"] and not errors.has("phone") and _phone_error(values["phone"]):
        errors.add("phone", _phone_error(values["phone"]))
    if branch is not None:
        branch = {k: (branch.get(k) or "").strip() for k in BRANCH_FIELDS}
        branch["branch_code"] = branch["branch_code"].upper()
        if not re.fullmatch(r"[A-Z0-9_-]{1,16}", branch["branch_code"]):
            errors.add("branch_code", N_("A branch code is 1 to 16 letters or digits, "
                                         "such as FZ."))
        _check_text(errors, "branch_name", branch["branch_name"],
                    N_("This field is required."), 100)
        _check_text(errors, "branch_city", branch["branch_city"], None, 50)
    errors.raise_if_any()
    for key, value in values.items():
        name = f"firm.{key}"
        row = db.session.scalar(select(FirmSetting).where(FirmSetting.key == name))
        if row is None:
            row = FirmSetting(key=name, description=DEFAULT_SETTINGS.get(name, ("", ""))[1])
            db.session.add(row)
        row.value = value
    if branch is not None:
        db.session.add(Branch(code=branch["branch_code"], name=branch["branch_name"],
                              city=branch["branch_city"] or values["city"]))
    _commit("branch_code" if branch is not None else "name")


def login_delete_refusal(user) -> str | None:
    """A login with a staff profile is never deleted: the profile owns records, and on
    SQLite the next login could take the freed id, and with it the profile's records and
    scope.  Deactivate it instead."""
    staff = db.session.scalar(select(Staff).where(Staff.user_id == user.id))
    if staff is None:
        return None
    return gettext("%(username)s is the login of staff member %(name)s, whose records keep "
                   "them as owner: deactivate the login (and the staff profile) instead of "
                   "deleting it.", username=user.username, name=staff.full_name)
