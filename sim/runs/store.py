"""Results on disk: atomic Parquet/JSON writes and provenance manifests."""

from __future__ import annotations

import errno
import json
import os
import platform
import re
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import WgsimError

PACKAGES = ("wgsim", "mesa", "numpy", "pandas", "pyarrow", "pydantic")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+|\.{2,}")


class OutputFolderError(WgsimError):
    """The output folder cannot be made or written."""


def safe_name(text: object, limit: int = 120) -> str:
    """``text`` as one safe file-name component: no separators, no leading dots.

    Scenario, variant and experiment names become parts of file and folder names; a name
    like ``/tmp/x`` or ``../../x`` must never make a path outside the output folder.
    """
    name = _UNSAFE.sub("-", str(text)).strip("-.")[:limit]
    return name or "unnamed"


def ensure_output_folder(out: Path) -> Path:
    """Make ``out`` (with its parents) and check it is a writable folder.

    Raises:
        OutputFolderError: naming the path and what is wrong with it.
    """
    problem = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-check."):
            pass
    except FileExistsError:
        problem = "it exists and is not a folder"
    except NotADirectoryError:
        problem = "a part of the path above it is a file, not a folder"
    except PermissionError:
        problem = "permission denied"
    except OSError as exc:
        problem = os.strerror(exc.errno) if exc.errno else str(exc)
        if exc.errno in (errno.ENOENT, errno.EROFS, errno.EACCES):
            problem += " (choose a folder you can write)"
    if problem is not None:
        raise OutputFolderError(f"cannot write results to {out}: {problem}")
    return out


def _file_mode() -> int:
    """The mode a new file gets under this process's umask (``mkstemp`` alone gives 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename: never a partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_parquet(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a frame as Parquet atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_json(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` as indented JSON atomically."""
    return atomic_write_bytes(path, (json.dumps(obj, indent=2, default=str) + "\n").encode())


def git_commit() -> str:
    """The commit of the source tree wgsim runs from ("unknown" outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def versions() -> dict[str, str]:
    """Versions of Python and the key libraries."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance() -> dict[str, Any]:
    """What every result folder records about where it came from."""
    return {"git_commit": git_commit(), "versions": versions(), "platform": platform.platform()}
