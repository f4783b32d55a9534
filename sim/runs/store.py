"""Results on disk: atomic Parquet/JSON writes and provenance manifests."""

from __future__ import annotations

import errno
import functools
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
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import WgsimError
from sim.runs.codebook import SCHEMA_VERSION

PACKAGES = (
    "wgsim",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "pydantic",
    "scipy",
    "SALib",
    "pyabc",
    "dask",
    "distributed",
    "matplotlib",
    "networkx",
    "PyYAML",
    "typer",
    "solara",
    "ema_workbench",
)
"""Distributions whose versions every manifest records (the scientific stack and the tools
that read or write results)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+|\.{2,}")


class OutputFolderError(WgsimError):
    """The output folder cannot be made or written."""


class OutOfSpaceError(WgsimError):
    """The disk (or quota) of the output folder filled up while results were written.

    The CLI exits with :attr:`exit_code` (4): not bad input (2), not the cluster (3).
    """

    exit_code = 4


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def is_out_of_space(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it came from) says the disk or quota is full.

    Arrow's writers raise an ``OSError`` without ``errno`` whose text carries it, so the
    text is checked too.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and (
            seen.errno in _NO_SPACE or any(os.strerror(code) in str(seen) for code in _NO_SPACE)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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


def atomic_write_bytes(path: str | Path, data: bytes, token: str | None = None) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename: never a partial file.

    With ``token`` the temporary file is ``.<name>.wgsim-<token>.tmp`` (a batch's, which a
    later attempt may remove, :func:`sim.runs.parts.clean_temporary`); without, a random one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if token is None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    else:
        tmp = str(path.with_name(f".{path.name}.wgsim-{token}.tmp"))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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


def atomic_write_parquet(
    data: pd.DataFrame | pa.Table, path: str | Path, meta: dict[str, str] | None = None
) -> Path:
    """Write a frame or Arrow table as Parquet atomically, with key-value metadata ``meta``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    if meta:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def file_metadata(table: str, scenario_digest: str, seed: int) -> dict[str, str]:
    """Key-value metadata of a stored table, so the file alone says where it came from.

    Args:
        table: The codebook's table name (runs, series, events, ...).
        scenario_digest: The scenario file's digest.
        seed: The run's seed, or a batch's root seed.
    """
    return {
        "wgsim.table": table,
        "wgsim.version": wgsim_version(),
        "wgsim.schema_version": str(SCHEMA_VERSION),
        "wgsim.scenario_digest": scenario_digest,
        "wgsim.seed": str(seed),
        "wgsim.git_commit": git_commit(),
    }


def atomic_write_json(obj: Any, path: str | Path, token: str | None = None) -> Path:
    """Write ``obj`` as indented JSON atomically (``token`` as for :func:`atomic_write_bytes`)."""
    text = json.dumps(obj, indent=2, default=str) + "\n"
    return atomic_write_bytes(path, text.encode(), token)


def recorded(path: str | Path, key: str) -> Any:
    """``key`` of the JSON object in ``path``; None if the file is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None


SOURCE_ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the ``sim`` package: a checkout's root, or site-packages."""

BUILD_STAMP = Path(__file__).resolve().parents[1] / "data" / "build.json"
"""The commit a wheel was built from (written by setup.py's build hook)."""


def _git(*args: str) -> str | None:
    """Output of a git command in wgsim's own checkout (None outside one or on error).

    An installed copy can sit inside somebody else's repository (a virtual environment in
    a project): git would answer for that project, so the command runs only when the
    repository's top level is the folder holding ``sim`` itself.
    """
    top = _run_git(["rev-parse", "--show-toplevel"])
    if top is None or Path(top.strip()).resolve() != SOURCE_ROOT:
        return None
    return _run_git(list(args))


def _run_git(args: list[str]) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=SOURCE_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def _stamp() -> dict[str, Any]:
    """The build stamp of an installed wheel ({} in a checkout or if unreadable)."""
    try:
        data = json.loads(BUILD_STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@functools.cache
def git_commit() -> str:
    """The commit wgsim's code comes from: its checkout's HEAD, else the wheel's build stamp."""
    out = _git("rev-parse", "HEAD")
    if out:
        return out.strip()
    return str(_stamp().get("git_commit") or "unknown")


def git_dirty() -> bool | None:
    """Whether the code differs from that commit (None when unknown)."""
    out = _git("status", "--porcelain", "--untracked-files=no")
    if out is not None:
        return bool(out.strip())
    dirty = _stamp().get("git_dirty")
    return dirty if isinstance(dirty, bool) else None


def wgsim_version() -> str:
    """The installed wgsim's version (its distribution's metadata, stamped at build time)."""
    try:
        return metadata.version("wgsim")
    except metadata.PackageNotFoundError:
        return "unknown"


def versions() -> dict[str, str]:
    """Versions of Python, wgsim and the libraries of :data:`PACKAGES`."""
    out = {"python": platform.python_version(), "wgsim": wgsim_version()}
    for name in PACKAGES[1:]:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance() -> dict[str, Any]:
    """What every result folder records about where it came from."""
    return {
        "schema_version": SCHEMA_VERSION,
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "versions": versions(),
        "platform": platform.platform(),
    }
