"""Solara's web assets cached for offline use (``python -m sim.page.assets``, ``make setup``).

Solara serves its JavaScript and CSS through a proxy that fetches them from a public CDN
on first use and keeps a copy in ``solara.server.settings.assets.proxy_cache_dir``
(``$VIRTUAL_ENV/share/solara/cdn/``). With no internet the page stays blank. This module
reads which npm packages (and versions) the *installed* solara asks for, downloads each
with ``npm pack`` from the npm registry and unpacks it into ``cdn/<name>@<version>/``, so
the page never leaves the machine. Versions are read from solara's own templates, never
retyped here, so a solara upgrade fetches what the new version needs.

The work is idempotent: a package already unpacked (its ``.complete`` marker present) is
skipped, and a stamp file lists what the cache holds.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sim.errors import WgsimError

logger = logging.getLogger(__name__)

# <cdn>/<name>@<version>/...: {{cdn}} in templates, ${this.getCdn()} in Vue components.
_CDN_REF = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|\$\{this\.getCdn\(\)\})/((?:@[a-z0-9-]+/)?[a-z0-9.-]+)@([0-9][\w.+-]*)/"
)
# Files of the installed solara whose CDN references the page (Vue 2 build) can request.
SOURCES = (
    "server/templates/solara.html.j2",
    "widgets/vue/gridlayout.vue",
    "components/markdown.py",
    "widgets/vue/vegalite.vue",
)
STAMP = ".wgsim-assets.json"
MARKER = ".complete"


class AssetError(WgsimError):
    """An asset could not be fetched or unpacked."""


@dataclass(frozen=True, order=True)
class Package:
    """One npm package the page requests: its name and the version (or range) in the URL."""

    name: str
    version: str

    @property
    def folder(self) -> str:
        """The cache sub-folder the CDN proxy looks in: ``<name>@<version>``."""
        return f"{self.name}@{self.version}"


def required_packages(solara_dir: Path, fontawesome_path: str, vue_major: int) -> list[Package]:
    """The npm packages the installed solara's page requests from its CDN.

    Args:
        solara_dir: The installed ``solara`` package folder.
        fontawesome_path: ``solara.server.settings.assets.fontawesome_path``
            (e.g. ``/font-awesome@4.5.0/css/font-awesome.min.css``).
        vue_major: Major version of ipyvue; the Vue 3 app bundle is skipped under Vue 2.

    Returns:
        The packages, sorted and without duplicates.
    """
    found: set[Package] = set()
    for rel in SOURCES:
        path = solara_dir / rel
        if not path.exists():
            continue
        for name, version in _CDN_REF.findall(path.read_text(encoding="utf-8")):
            if vue_major < 3 and "vuetify3" in name:
                continue
            found.add(Package(name, version))
    m = re.match(r"/((?:@[a-z0-9-]+/)?[a-z0-9.-]+)@([0-9][\w.+-]*)/", fontawesome_path)
    if m:
        found.add(Package(m.group(1), m.group(2)))
    return sorted(found)


def installed_requirements() -> tuple[Path, list[Package]]:
    """The CDN cache folder of the installed solara and the packages it needs."""
    import ipyvue
    import solara
    from solara.server import settings

    solara_dir = Path(solara.__file__).parent
    vue_major = int(str(ipyvue.__version__).split(".")[0])
    packages = required_packages(solara_dir, settings.assets.fontawesome_path, vue_major)
    return Path(settings.assets.proxy_cache_dir), packages


def missing(cache: Path, packages: list[Package]) -> list[Package]:
    """The packages not (completely) unpacked in ``cache``."""
    return [p for p in packages if not (cache / p.folder / MARKER).exists()]


def fetch(package: Package, cache: Path, npm: str = "npm") -> Path:
    """Download ``package`` with ``npm pack`` and unpack it into ``cache/<name>@<version>/``.

    The tarball is unpacked into a temporary folder and renamed into place, so a cache
    folder is either complete or absent.

    Raises:
        AssetError: if npm is missing or fails, or the tarball is malformed.
    """
    target = cache / package.folder
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        work = Path(tmp)
        spec = f"{package.name}@{package.version}"
        try:
            out = subprocess.run(
                [npm, "pack", spec, "--silent", "--pack-destination", str(work)],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise AssetError(f"cannot run '{npm} pack {spec}': {exc}") from None
        tarballs = list(work.glob("*.tgz"))
        if out.returncode != 0 or len(tarballs) != 1:
            reason = (out.stderr or out.stdout).strip().splitlines()[-1:] or ["no tarball"]
            raise AssetError(f"'{npm} pack {spec}' failed: {reason[0]}")
        unpacked = work / "unpacked"
        _unpack(tarballs[0], unpacked)
        (unpacked / MARKER).write_text(spec + "\n")
        if target.exists():
            shutil.rmtree(target)
        unpacked.rename(target)
    return target


def _unpack(tarball: Path, dest: Path) -> None:
    """Extract an npm tarball, dropping its leading ``package/`` folder."""
    dest.mkdir(parents=True)
    with tarfile.open(tarball, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if len(parts) < 2 or not (member.isfile() or member.isdir()):
                continue
            member.name = str(Path(*parts[1:]))
            members.append(member)
        try:
            tar.extractall(dest, members=members, filter="data")
        except tarfile.TarError as exc:
            raise AssetError(f"malformed tarball {tarball.name}: {exc}") from None


def ensure_assets(npm: str = "npm") -> list[Package]:
    """Fill solara's CDN cache with every package the page needs; returns those fetched.

    Raises:
        AssetError: if a package cannot be fetched.
    """
    cache, packages = installed_requirements()
    cache.mkdir(parents=True, exist_ok=True)
    todo = missing(cache, packages)
    for package in todo:
        logger.info("fetching %s into %s", package.folder, cache)
        fetch(package, cache, npm)
    stamp = {"packages": [p.folder for p in packages]}
    (cache / STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
    return todo


def main() -> int:
    """Command-line entry: fetch what is missing; exit 1 with a message on failure."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        fetched = ensure_assets()
    except AssetError as exc:
        logger.error("solara assets: %s (the page will need the internet)", exc)
        return 1
    cache, packages = installed_requirements()
    logger.info(
        "solara assets: %d packages cached in %s (%d fetched now)",
        len(packages),
        cache,
        len(fetched),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
