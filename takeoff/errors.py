"""Errors the faces share: a user's mistake is one line after ``error:`` and exit code 2.

Kept apart from ``takeoff.cli`` so that the sweep engine and the app server can raise them
without importing the command line (no import circles).
"""

EXIT_USAGE = 2


class UsageError(Exception):
    """A mistake on the command line: the message is one line, printed after 'error:'."""
