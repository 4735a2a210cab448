"""Errors whose message is shown to a German-speaking user as it is.

Code below the UI raises these with a complete sentence that says what is wrong and where (file,
row, field, JSON path); the CLI prints it, the GUI shows it. Anything else is a bug.
"""


class OzgFehler(Exception):
    """Base of all user-facing errors; ``str(e)`` is the German message."""


class Eingabefehler(OzgFehler):
    """A value typed, imported or scripted by a user is invalid."""


class Speicherfehler(OzgFehler):
    """The local database cannot be opened or upgraded (corrupt, newer schema, locked)."""


class Abbruch(OzgFehler):
    """The user cancelled a running operation; what it committed before stays valid. The
    technical log records such an event as ``ergebnis=abgebrochen``, not as a failure."""
