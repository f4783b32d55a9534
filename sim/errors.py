"""Exception hierarchy for wgsim.

Every error a user can cause by their input derives from :class:`WgsimError`; the CLI
prints such errors as one clear message and exits with code 2, without a traceback.
"""

from __future__ import annotations


class WgsimError(Exception):
    """Base class of every error wgsim raises on purpose."""


class ScenarioError(WgsimError):
    """A scenario file is missing, malformed or violates the schema.

    Args:
        source: The file (or other source) the scenario came from.
        problems: One line per problem, each naming the field path, the value and what
            is allowed.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid scenario {source}:\n{lines}")


class InfrastructureError(WgsimError):
    """The machinery failed, not the input: a Dask scheduler unreachable or lost, no workers.

    The CLI exits with code 3 for it (2 is bad input, 1 runs that failed); finished
    results are kept, and rerunning the command resumes.
    """


class RunError(WgsimError):
    """A run failed; carries the scenario, variant and seed it failed for."""
