"""Small-cell suppression of aggregate tables (DOMAIN §7, §8).

A count under the threshold (5 by default) could point at one person, so it is published as
suppressed (``None``); a zero stays zero. Hiding the small cells is not enough: where a row or a
column shows its total and hides exactly one cell, the hidden cell is the total minus the rest.
So every line whose total is shown hides either no cell or at least two, which is reached by
also hiding the smallest other non-zero cell of the line (complementary suppression), or the
line's total when the line has nothing else to hide. The margins (row totals, column totals)
follow the same rule against the grand total.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5


@dataclass
class SuppressedTable:
    """A published table: cells, row and column totals and the grand total; ``None`` marks a
    suppressed figure."""

    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], int | None]
    row_totals: dict[Hashable, int | None]
    column_totals: dict[Hashable, int | None]
    total: int | None


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _protect(line: list[tuple[object, int]], hidden: set, total_hidden: bool) -> object | None:
    """What else to hide in one line (cell keys and their true values) so that its hidden cells
    cannot be worked out from a shown total: a key, or None when the line is safe."""
    if total_hidden:
        return None
    hidden_here = [key for key, _ in line if key in hidden]
    if len(hidden_here) != 1:
        return None
    candidates = [(value, i, key) for i, (key, value) in enumerate(line) if key not in hidden]
    candidates = [c for c in candidates if c[0] > 0]
    if not candidates:
        return "total"
    return min(candidates)[2]


def suppress_table(
    cells: Mapping[tuple[Hashable, Hashable], int],
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> SuppressedTable:
    """Publish a table of counts (rows by columns) with its totals, small cells suppressed."""
    value = {(r, c): int(cells.get((r, c), 0)) for r in rows for c in columns}
    row_total = {r: sum(value[r, c] for c in columns) for r in rows}
    column_total = {c: sum(value[r, c] for r in rows) for c in columns}
    grand = sum(row_total.values())

    hidden = {key for key, v in value.items() if _small(v, threshold)}
    hidden_rows = {r for r, v in row_total.items() if _small(v, threshold)}
    hidden_columns = {c for c, v in column_total.items() if _small(v, threshold)}
    grand_hidden = _small(grand, threshold)

    changed = True
    while changed:
        changed = False
        lines = [
            ([((r, c), value[r, c]) for c in columns], r in hidden_rows, ("row", r)) for r in rows
        ] + [
            ([((r, c), value[r, c]) for r in rows], c in hidden_columns, ("column", c))
            for c in columns
        ]
        for line, total_hidden, (axis, name) in lines:
            extra = _protect(line, hidden, total_hidden)
            if extra == "total":
                (hidden_rows if axis == "row" else hidden_columns).add(name)
                changed = True
            elif extra is not None:
                hidden.add(extra)
                changed = True
        # The margins are lines too, against the grand total.
        for margin, totals in ((hidden_rows, row_total), (hidden_columns, column_total)):
            extra = _protect(list(totals.items()), margin, grand_hidden)
            if extra == "total":
                grand_hidden = True
                changed = True
            elif extra is not None:
                margin.add(extra)
                changed = True

    return SuppressedTable(
        rows=list(rows),
        columns=list(columns),
        cells={key: None if key in hidden else v for key, v in value.items()},
        row_totals={r: None if r in hidden_rows else v for r, v in row_total.items()},
        column_totals={c: None if c in hidden_columns else v for c, v in column_total.items()},
        total=None if grand_hidden else grand,
    )


def suppress_counts(
    counts: Mapping[Hashable, int], *, threshold: int = DEFAULT_THRESHOLD
) -> tuple[dict[Hashable, int | None], int | None]:
    """One breakdown (e.g. victims by gender) and its total, small counts suppressed."""
    labels = list(counts)
    table = suppress_table(
        {(label, "n"): n for label, n in counts.items()}, labels, ["n"], threshold=threshold
    )
    return {label: table.cells[label, "n"] for label in labels}, table.total
