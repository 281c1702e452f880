"""Small-cell suppression: small counts hidden, zeros kept, and no hidden count recoverable by
subtracting the shown cells from a shown total."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from taskforce.suppression import suppress_counts, suppress_table


def test_small_counts_are_hidden_zero_stays_zero_and_the_rest_is_shown():
    shown, total = suppress_counts({"female": 40, "male": 12, "other": 0}, threshold=5)
    assert shown == {"female": 40, "male": 12, "other": 0}
    assert total == 52


def test_one_small_count_takes_the_next_smallest_with_it():
    shown, total = suppress_counts({"female": 40, "male": 12, "transgender": 3, "other": 0})
    # 55 - 40 - 12 - 0 would give the 3 away: the 12 is hidden too.
    assert shown == {"female": 40, "male": None, "transgender": None, "other": 0}
    assert total == 55


def test_a_small_total_is_hidden_with_everything_under_it():
    shown, total = suppress_counts({"labor": 2, "sex": 1})
    assert shown == {"labor": None, "sex": None}
    assert total is None


def test_the_threshold_is_configurable():
    assert suppress_counts({"a": 8, "b": 20}, threshold=10)[0] == {"a": None, "b": None}
    assert suppress_counts({"a": 8, "b": 20}, threshold=5)[0] == {"a": 8, "b": 20}


def test_a_table_protects_rows_columns_and_margins():
    cells = {
        ("adult", "sex"): 30,
        ("adult", "labor"): 2,
        ("minor", "sex"): 11,
        ("minor", "labor"): 9,
    }
    table = suppress_table(cells, ["adult", "minor"], ["sex", "labor"])
    assert table.cells[("adult", "labor")] is None
    assert_not_recoverable(table)
    assert table.total == 52


def assert_not_recoverable(table) -> None:
    """No line with a shown total hides exactly one of its figures."""
    for r in table.rows:
        if table.row_totals[r] is not None:
            assert sum(table.cells[r, c] is None for c in table.columns) != 1, r
    for c in table.columns:
        if table.column_totals[c] is not None:
            assert sum(table.cells[r, c] is None for r in table.rows) != 1, c
    if table.total is not None:
        assert sum(v is None for v in table.row_totals.values()) != 1
        assert sum(v is None for v in table.column_totals.values()) != 1


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=5),
    st.lists(counts, min_size=25, max_size=25),
    st.integers(min_value=2, max_value=11),
)
def test_no_suppressed_figure_can_be_worked_out_by_subtraction(n_rows, n_cols, values, threshold):
    rows, columns = list(range(n_rows)), list(range(n_cols))
    cells = {(r, c): values[r * 5 + c] for r in rows for c in columns}
    table = suppress_table(cells, rows, columns, threshold=threshold)
    assert_not_recoverable(table)
    for key, true in cells.items():
        published = table.cells[key]
        assert published in (None, true)  # never altered, only hidden
        assert published is None or published == 0 or published >= threshold
        if true == 0:
            assert published == 0
    for published in [*table.row_totals.values(), *table.column_totals.values(), table.total]:
        assert published is None or published == 0 or published >= threshold
