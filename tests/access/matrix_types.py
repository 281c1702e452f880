"""The shape of an authorization-matrix row (see tests/access/test_matrix.py).

Each row says: this persona, calling this route (by URL name) on this object of the fixture world
with this method, gets this status, and none of the ``absent`` strings appear in the body.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    route: str  # URL pattern name, e.g. "agency-detail", "agencies:directory"
    persona: str  # a username from tests/conftest.py PERSONAS
    expected: int  # HTTP status
    method: str = "GET"
    target: str | None = None  # key of an object the matrix fixture builds (e.g. "dossier_a")
    data: dict | None = None  # request body for writes (JSON for the API, form for pages)
    absent: tuple[str, ...] = field(default_factory=tuple)  # text that must not be in the body
