"""Two staff editing the same record: the second save is refused, never a silent overwrite.

A form (and an API client) carries the ``row_version`` it read.  ``check_unchanged`` compares
it with the stored one before the save; the UPDATE itself is then made only where the
version is still the one read (``VersionedMixin``), so a save racing in between is refused
by the database too (``StaleDataError``).
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import event, inspect
from wtforms import HiddenField

from .errors import CONFLICT
from .models.base import VersionedMixin
from .permissions import OwnershipRefused, refuse


class ChangedMeanwhile(OwnershipRefused):
    """The record was saved by someone else after this copy of it was read (409)."""

    status = CONFLICT


def changed_message() -> str:
    return gettext("This record was changed by someone else since you opened it. Nothing "
                   "was saved: open it again, check their changes and make yours again.")


def same_version(sent, stored) -> bool:
    try:
        return int(sent) == int(stored)
    except (TypeError, ValueError):
        return False


def check_unchanged(item) -> None:
    """Refuse ``item``'s pending edit if its form was opened on an older ``row_version``.

    The form's version is kept beside the record (``VersionField``), never written into the
    column: an early flush (a query made while checking the save) cannot store it."""
    sent = getattr(item, "_sent_row_version", None)
    if sent is None or "row_version" not in inspect(item).attrs:
        return
    # The version as loaded for this request: a query made while checking the save may
    # already have flushed the edit (and moved the counter on).
    read = getattr(item, "_loaded_row_version", item.row_version)
    if not same_version(sent, read):
        try:
            refuse(item, creating=False, reason=changed_message())
        except OwnershipRefused as refused:
            raise ChangedMeanwhile(refused.args[0]) from None


# Read from the loaded values only: touching an attribute here could load it again.
@event.listens_for(VersionedMixin, "load", propagate=True, restore_load_context=True)
def _remember_loaded(target, _context) -> None:
    if "row_version" in target.__dict__:
        target._loaded_row_version = target.__dict__["row_version"]


@event.listens_for(VersionedMixin, "refresh", propagate=True, restore_load_context=True)
def _remember_refreshed(target, _context, attrs) -> None:
    if "row_version" in target.__dict__:
        target._loaded_row_version = target.__dict__["row_version"]


class VersionField(HiddenField):
    """The hidden ``row_version`` of an edit form: shown from the record, read back beside it."""

    def populate_obj(self, obj, name) -> None:
        obj._sent_row_version = self.data
