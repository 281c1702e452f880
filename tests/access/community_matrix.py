"""Authorization-matrix rows and targets of the community routes (training, outreach, trend
bulletins, coverage) (see ``test_matrix``)."""

from __future__ import annotations

from tests.access.matrix_types import Row

API_ROWS: list[Row] = []
PAGE_ROWS: list[Row] = []


def build_targets(world) -> dict[str, int]:
    """Objects of the matrix world these rows point at, by target name."""
    return {}
