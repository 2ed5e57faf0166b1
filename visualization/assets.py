"""Offline assets for the page: run ``python -m visualization.assets`` once at install time.

Solara serves the page's JavaScript from ``<venv>/share/solara/cdn/`` and fetches from a CDN
only what is missing there. ``solara-assets`` (a dependency) fills most of it; this adds what it
lacks, from the npm registry (the one place these machines can reach), so the page loads with no
internet. Each package is pinned by version and by the registry's sha512, unpacked without
following links or leaving its folder, and skipped when already present (idempotent).

``--check`` only reports what is missing (exit code 1 if anything is).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Asset:
    """One npm package the page loads, and a file that shows it is installed."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity
    marker: str

    @property
    def folder(self) -> str:
        """Its folder under the CDN cache, as Solara requests it."""
        return f"{self.name}@{self.version}"


ASSETS = (
    # solara.Markdown loads KaTeX (math) from the CDN path katex@0.16.9.
    Asset("katex", "0.16.9", "sha512-fsSYjWS0EEOwvy81j3vRA8TEAhQhKiqO+FQaKWp0m39qwOzHVBgAUBIXWj1pB+"
          "O2W3fIpNa6Y9KSKCVbfPhyAQ==", "dist/katex.min.js"),
)


def cdn_folder(prefix: str | None = None) -> Path:
    """Where Solara's server looks for CDN files: ``<prefix>/share/solara/cdn``."""
    return Path(prefix or sys.prefix) / "share" / "solara" / "cdn"


def missing(prefix: str | None = None) -> list[str]:
    """The assets not yet installed, as ``name@version``."""
    root = cdn_folder(prefix)
    return [a.folder for a in ASSETS if not (root / a.folder / a.marker).is_file()]


def registry() -> str:
    """The npm registry: npm's own setting when given, else the public registry."""
    url = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")
    return (url or REGISTRY).rstrip("/")


def tarball_url(asset: Asset) -> str:
    """The package's tarball in the registry."""
    return f"{registry()}/{asset.name}/-/{asset.name}-{asset.version}.tgz"


def verify(asset: Asset, data: bytes) -> None:
    """Check the tarball against its pinned sha512.

    Raises:
        ValueError: The download is not the pinned package.

    """
    algorithm, _, expected = asset.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise ValueError(f"{asset.folder}: downloaded tarball fails its {algorithm} check")


def unpack(asset: Asset, data: bytes, root: Path) -> None:
    """Unpack the tarball's ``package/`` into ``root/name@version``, replacing it atomically."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=f".{asset.name}-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/")]
            tar.extractall(tmp, members=members, filter="data")
        target = root / asset.folder
        if target.exists():
            shutil.rmtree(target)
        os.replace(Path(tmp) / "package", target)


def install(prefix: str | None = None, fetch=None) -> list[str]:
    """Install every missing asset; return the ones installed.

    Args:
        prefix: The environment's prefix (this interpreter's when None).
        fetch: ``url -> bytes``; downloads from the registry when None.

    """
    fetch = fetch or _download
    root = cdn_folder(prefix)
    done = []
    for asset in ASSETS:
        if asset.folder not in missing(prefix):
            continue
        data = fetch(tarball_url(asset))
        verify(asset, data)
        unpack(asset, data, root)
        done.append(asset.folder)
    return done


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (https registry)
        return response.read()


def main(argv: list[str] | None = None) -> int:
    """Install (or with ``--check``, list) the page's offline assets."""
    parser = argparse.ArgumentParser(prog="python -m visualization.assets",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    args = parser.parse_args(argv)
    if args.check:
        absent = missing()
        print(f"missing: {', '.join(absent)}" if absent else "all offline assets present")
        return 1 if absent else 0
    try:
        done = install()
    except (OSError, ValueError, tarfile.TarError) as exc:
        print(f"error: offline assets: {exc}", file=sys.stderr)
        return 1
    where = cdn_folder()
    print(f"installed {', '.join(done)} into {where}" if done
          else f"offline assets already in {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
