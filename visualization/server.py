"""``takeoff app``: serve the interactive page with Solara, on the loopback interface by default.

The command checks its flags and the offline assets, then becomes ``solara run`` on
``visualization/app.py`` in production mode (the process is replaced, so Ctrl-C and signals reach
the server directly and nothing is left running). The page's JavaScript comes from the venv
(``share/solara/cdn``, filled by ``solara-assets`` and ``python -m visualization.assets``), never
from a CDN, and the server makes no outside requests: no version check, no telemetry.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


def register(sub) -> None:
    """Add ``takeoff app`` to the CLI."""
    p = sub.add_parser("app", help="serve the interactive model in a browser "
                       f"(http://{DEFAULT_HOST}:{DEFAULT_PORT})")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"interface to listen on (default {DEFAULT_HOST}: this machine only; "
                   "0.0.0.0 exposes the page to the network)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port (default {DEFAULT_PORT})")
    p.set_defaults(func=cmd_app)


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line serving the page."""
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


CULL_TIMEOUT = "60s"  # a closed tab's session (and its lab) is freed this long after it left
QUIET = "ignore:Cookies with samesite=none require https:UserWarning"  # Solara's, per visitor


def environment() -> dict[str, str]:
    """The server's environment: assets from the venv copy, no telemetry, no Solara banner.

    A visitor's session is freed ``CULL_TIMEOUT`` after its tab closed (Solara keeps it a day
    by default, and every lab with it); ``SOLARA_KERNEL_CULL_TIMEOUT`` set outside overrides it.
    Solara's warning about cookies over plain http (the page binds to loopback, where that is
    expected) would print a dozen lines per visitor, so it is filtered out.
    """
    warnings = ",".join(w for w in (os.environ.get("PYTHONWARNINGS", ""), QUIET) if w)
    return {**os.environ, "SOLARA_ASSETS_PROXY": "True",
            "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_THEME_SHOW_BANNER": "False",
            "SOLARA_THEME_TITLE": "takeoff",
            "SOLARA_KERNEL_CULL_TIMEOUT": os.environ.get("SOLARA_KERNEL_CULL_TIMEOUT",
                                                         CULL_TIMEOUT),
            "PYTHONWARNINGS": warnings}


def check(host: str, port: int) -> None:
    """Reject a bad --host or --port with one line.

    Raises:
        UsageError: The flag and what is allowed.

    """
    from takeoff.errors import UsageError

    if not 1 <= port <= 65535:
        raise UsageError(f"app: --port {port}: must be an integer in [1, 65535]")
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise UsageError(f"app: --host {host}: must be an IP address such as 127.0.0.1 "
                             "or 0.0.0.0, or localhost") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"app: --port {port}: cannot listen on {host} ({exc.strerror}); "
                             "pick another port with --port") from None


def cmd_app(args) -> int:
    """``takeoff app``: become the Solara server (returns only if that fails to start)."""
    from visualization.assets import missing

    check(args.host, args.port)
    absent = missing()
    if absent:
        print(f"warning: offline assets missing ({', '.join(absent)}); the page needs a CDN "
              f"without them: run '{sys.executable} -m visualization.assets'", file=sys.stderr)
    print(f"takeoff app: serving http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    argv = command(args.host, args.port)
    os.execve(argv[0], argv, environment())
    return 1  # not reached: execve replaces this process or raises
