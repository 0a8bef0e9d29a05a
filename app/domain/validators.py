"""Chinese identifiers (resident ID, unified social credit code, mobile) and display masking.

Each ``*_error`` function returns ``None`` when the value is valid, otherwise an ``N_`` msgid
the web layer translates; they never raise on bad input, so forms can call them freely.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.domain.i18n import N_

# --- Resident identity number, GB 11643-1999 -------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # [0-9]: \d takes any Unicode digit
_EARLIEST_BIRTH = date(1900, 1, 1)


def normalize_id_number(s: str) -> str:
    """Strip blanks and upper-case the check char (people type a lowercase x)."""
    return s.strip().upper()


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth_date(digits8: str) -> date | None:
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def id_number_error(s: str, today: date | None = None) -> str | None:
    """Why ``s`` is not a valid 18-digit resident ID, or ``None``.

    ``today`` is injectable so the "not in the future" rule is testable.
    """
    value = normalize_id_number(s)
    if not _ID_RE.match(value):
        return N_("ID number must be 17 digits followed by a digit or X.")
    birth = _birth_date(value[6:14])
    if birth is None:
        return N_("ID number contains an impossible birth date.")
    if birth < _EARLIEST_BIRTH or birth > (today or date.today()):
        return N_("ID number contains a birth date outside the plausible range.")
    if id_check_char(value[:17]) != value[17]:
        return N_("ID number check digit is wrong; please re-check the number.")
    return None


def id_number_facts(s: str) -> tuple[date, str] | None:
    """The birth date and sex ("M" / "F": the 17th digit odd / even) a valid resident ID
    number states, or ``None`` for an invalid one."""
    if id_number_error(s) is not None:
        return None
    value = normalize_id_number(s)
    return _birth_date(value[6:14]), "M" if int(value[16]) % 2 else "F"


def make_id_number(region: str, birth: date, seq: int) -> str:
    """A valid ID for demo data: 6-digit region, birth date, 3-digit sequence (odd = male)."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region must be 6 digits")
    if not 0 <= seq <= 999:
        raise ValueError("seq must be 0..999")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def birth_date_from_id(s: str) -> date:
    value = normalize_id_number(s)
    birth = _birth_date(value[6:14]) if _ID_RE.match(value) else None
    if birth is None:
        raise ValueError("not an 18-digit ID number with a valid birth date")
    return birth


def gender_from_id(s: str) -> str:
    """"M" or "F": the 17th digit is odd for men, even for women."""
    value = normalize_id_number(s)
    if not _ID_RE.match(value):
        raise ValueError("not an 18-digit ID number")
    return "M" if int(value[16]) % 2 else "F"


# --- Unified social credit code, GB 32100-2015 -----------------------------------------------

_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I O S V Z are excluded by the standard
_CREDIT_VALUE = {c: i for i, c in enumerate(_CREDIT_CHARSET)}
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def _credit_check(first17: str) -> str:
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARSET[(31 - total % 31) % 31]  # a result of 31 is written as 0


def make_credit_code(first17: str) -> str:
    """Append the check character to 17 code characters (demo data, tests)."""
    value = first17.strip().upper()
    if len(value) != 17 or any(c not in _CREDIT_VALUE for c in value):
        raise ValueError("need 17 characters from the GB 32100 charset")
    return value + _credit_check(value)


def credit_code_error(s: str) -> str | None:
    """Why ``s`` is not a valid unified social credit code, or ``None``."""
    value = s.strip().upper()
    if len(value) != 18:
        return N_("Unified social credit code must be 18 characters.")
    if any(c not in _CREDIT_VALUE for c in value):
        return N_("Unified social credit code contains a character that is not allowed "
                  "(letters I, O, S, V and Z are never used).")
    if _credit_check(value[:17]) != value[17]:
        return N_("Unified social credit code check character is wrong; please re-check it.")
    return None


# --- Mainland mobile numbers -----------------------------------------------------------------

_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_MOBILE_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mobile(s: str) -> str:
    """Drop separators and a +86 / 86 country prefix: "+86 138-1234-5678" -> "13812345678"."""
    value = _MOBILE_SEPARATORS.sub("", s)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    return value


def mobile_error(s: str) -> str | None:
    if not _MOBILE_RE.match(normalize_mobile(s)):
        return N_("Mobile number must be 11 digits starting with 13 to 19.")
    return None


# --- Names, e-mail addresses, dates of birth --------------------------------------------------

# Invisible or layout-changing characters: controls (tab, NUL…), formats (zero-width spaces
# and joiners, the bidi overrides that make "invoice\u202egnp.pdf" read "invoicefdp.png"),
# line/paragraph separators, surrogates, private use and unassigned code points.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# Emoji parts outside "So" (other symbol): skin tones, presentation selectors, the keycap.
_EMOJI_PARTS = frozenset({*map(chr, range(0x1F3FB, 0x1F400)), "\ufe0e", "\ufe0f", "\u20e3"})


def has_hidden_characters(s: str) -> bool:
    """True when ``s`` holds a character that is invisible or reorders the text around it."""
    return any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in s)


def _is_pictograph(c: str) -> bool:
    return c in _EMOJI_PARTS or unicodedata.category(c) == "So"


def normalize_name(s: str) -> str:
    return s.strip()


def legal_name_error(s: str) -> str | None:
    """Why ``s`` cannot be a customer's or contact's name, or ``None``.

    A name goes on contracts (rendered with the CJK font: an emoji would print as a box)
    and to the credit bureau, so it must be visible text: letters, digits, spaces and
    punctuation (``·`` in 买买提·艾力, brackets in 福建某某（厦门）有限公司) — no invisible
    characters and no emoji or other pictographs.  Markup and quotes are text like any other:
    pages escape them.
    """
    value = normalize_name(s)
    if not value:
        return N_("Enter the name.")
    if has_hidden_characters(value):
        return N_("The name must not contain invisible or control characters "
                  "(zero-width spaces, direction marks, tabs…).")
    if any(_is_pictograph(c) for c in value):
        return N_("The name must not contain emoji or other pictographs: it goes on "
                  "contracts and to the credit bureau.")
    return None


# Practical, not RFC 5322: one @, a dot-atom local part, a domain of labels and a TLD.
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def email_error(s: str) -> str | None:
    if len(s.strip()) > 254 or not _EMAIL_RE.match(s.strip()):
        return N_("Enter a valid e-mail address, such as name@example.com.")
    return None


ADULT_AGE = 18  # full civil capacity (Civil Code art. 17): who may sign a loan contract
OLDEST_AGE = 100


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_date_error(birth: date, today: date | None = None) -> str | None:
    """Why ``birth`` cannot be a customer's date of birth, or ``None``: not in the future,
    and an adult of at most 100."""
    today = today or date.today()
    if birth > today:
        return N_("The date of birth cannot be in the future.")
    if not ADULT_AGE <= age_on(birth, today) <= OLDEST_AGE:
        return N_("The date of birth gives an age outside 18 to 100 years; "
                  "please re-check it.")
    return None


# --- Masking for staff without the "see sensitive data" permission ----------------------------

def _mask(value: str, head: int, tail: int, min_hidden: int) -> str:
    """Show ``head`` and ``tail`` characters only when at least ``min_hidden`` stay hidden.

    Short or malformed values are masked completely instead: showing 8 of 9 characters would
    reveal more than the rule intends.
    """
    if len(value) - head - tail >= min_hidden:
        return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]
    return "*" * len(value)


def mask_id_number(s: str | None) -> str:
    """"11010519491231002X" -> "1101**********002X" (a legacy 15-digit ID keeps 7 hidden)."""
    return _mask((s or "").strip(), 4, 4, 7)


def mask_phone(s: str | None) -> str:
    """"13812345678" (or "+86 138-1234-5678") -> "138****5678"."""
    return _mask(normalize_mobile(s or ""), 3, 4, 4)


def mask_card(s: str | None) -> str:
    """Bank card: last 4 only, behind a fixed "****" so the length is not revealed either."""
    value = _MOBILE_SEPARATORS.sub("", s or "")
    return "****" + value[-4:] if len(value) >= 8 else "****"
