"""The faces of the model: the command line, run outputs and calibration checks."""

import signal as _signal
import sys as _sys


def _interrupted(signum, frame):  # pragma: no cover - exits the process
    """Ctrl-C while the command is still importing: nothing has started, so one line, 130."""
    import os

    _sys.stderr.write("error: interrupted\n")
    _sys.stderr.flush()
    os._exit(130)


# Run as the ``takeoff`` command (``python -m takeoff`` is still being located, "-m"), Ctrl-C is
# caught from this first line on; ``takeoff.cli.main`` hands it back to Python's KeyboardInterrupt
# once its own ``try`` is in place. Imported as a library, nothing changes.
if (_sys.argv[:1] == ["-m"] or _sys.argv[0].endswith("takeoff")) and \
        _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _interrupted)
