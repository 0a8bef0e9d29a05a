"""A refusal on a screen: every action page shows a service's refusal (app/errors.py's
``Refused``) the same way, its reason flashed above the page (the service has rolled back:
nothing of it is kept).  Pages that keep their form as typed also show ``refused.errors``
beside the fields."""

from __future__ import annotations

from flask import flash

from ..errors import Refused


def flash_refusal(refused: Refused, *, details: bool = False) -> None:
    """Flash ``refused``'s reason; with ``details``, also its reasons per field (for a page
    that has no form to show them beside)."""
    flash(str(refused), "danger")
    listed = "; ".join(m for messages in refused.errors.values() for m in messages)
    if details and listed:
        flash(listed, "danger")
