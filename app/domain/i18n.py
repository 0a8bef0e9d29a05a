"""Message marking for the domain layer.

The domain must not import Flask or Flask-Babel, yet its messages have to reach the translation
catalogue.  ``N_`` is the conventional no-op marker: Babel's extractor picks up ``N_("...")``
(configure ``keywords = N_`` in babel.cfg) and the web layer calls ``gettext(msgid) % params``
when it renders the error, in the user's language.
"""


def N_(s: str) -> str:
    """Mark ``s`` as a msgid for extraction; returns it unchanged."""
    return s
