"""Errors the faces share: a user's mistake is one line after ``error:`` and exit code 2.

Kept apart from ``takeoff.cli`` so that the sweep engine and the app server can raise them
without importing the command line (no import circles).
"""

EXIT_USAGE = 2


class UsageError(Exception):
    """A mistake on the command line: the message is one line, printed after 'error:'."""


def one_line(message: str, limit: int = 1000) -> str:
    """A message as one printable line: control characters escaped, cut to ``limit`` characters.

    The last guard of the one-line promise: a key or file name can carry a newline.
    """
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    return text if len(text) <= limit else text[:limit - 3] + "..."
