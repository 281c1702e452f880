"""Publication of a table: suppression outside one's own agency, totals that cannot give a
suppressed count away, statistics hidden when they rest on too few records."""

import datetime as dt

import pytest

from taskforce.periods import Period
from taskforce.reports import Scope, Table, publish

PERIOD = Period.parse("FY2026-Q2")
TASK_FORCE = Scope(user=None, period=PERIOD, own=False, threshold=5)
OWN = Scope(user=None, period=PERIOD, agency=object(), own=True, threshold=5)
ROWS = [("adult", "Adult"), ("minor", "Minor")]
COLUMNS = [("sex", "Sex"), ("labor", "Labor")]
CELLS = {("adult", "sex"): 12, ("adult", "labor"): 3, ("minor", "sex"): 7, ("minor", "labor"): 0}


def _table(**kwargs):
    return Table("t", "T", ROWS, COLUMNS, CELLS, **kwargs)


def _values(published):
    return [row["values"] for row in published["rows"]]


def test_task_force_figures_hide_small_counts_and_what_would_reveal_them():
    published = publish(_table(), TASK_FORCE)
    # 3 is small. Hiding it alone would leave it as the adult total minus 12, so 12 goes too,
    # then 7 (the sex column would give 12 away); the zero stays zero.
    assert _values(published) == [[None, None], [None, 0]]
    assert published["rows"][0]["suppressed"] == [True, True]
    assert published["suppressed"] is True
    # Nothing shown lets anyone work out a hidden count: every line with a shown total hides
    # none or two and more of its figures, the margins against the grand total included.
    lines = [(row["values"], row["total"]) for row in published["rows"]]
    lines += [
        ([row["values"][i] for row in published["rows"]], published["column_totals"][i])
        for i in range(2)
    ]
    lines += [([row["total"] for row in published["rows"]], published["total"])]
    lines += [(published["column_totals"], published["total"])]
    for values, total in lines:
        assert total is None or sum(v is None for v in values) != 1


def test_own_agency_figures_are_published_in_full():
    published = publish(_table(), OWN)
    assert _values(published) == [[12, 3], [7, 0]]
    assert [r["total"] for r in published["rows"]] == [15, 7]
    assert published["column_totals"] == [19, 3] and published["total"] == 22
    assert published["suppressed"] is False


def test_governance_tables_are_never_suppressed():
    assert _values(publish(_table(people=False), TASK_FORCE)) == [[12, 3], [7, 0]]


def test_rows_only_totals_protect_each_row():
    published = publish(_table(totals="rows"), TASK_FORCE)
    assert published["column_totals"] is None and published["total"] is None
    assert published["rows"][0]["values"] == [None, None]  # 3 hidden, and 12 to protect it
    assert published["rows"][0]["total"] is None or published["rows"][0]["total"] == 15
    assert published["rows"][1]["values"] == [7, 0] and published["rows"][1]["total"] == 7


def test_without_totals_each_small_count_is_hidden_alone():
    published = publish(_table(totals="none"), TASK_FORCE)
    assert _values(published) == [[12, None], [7, 0]]
    assert all(row["total"] is None for row in published["rows"])
    assert published["row_totals"] is False


@pytest.mark.parametrize(("scope", "shown"), [(TASK_FORCE, None), (OWN, 30.0)])
def test_a_statistic_on_too_few_records_is_suppressed(scope, shown):
    table = Table(
        "median",
        "Median",
        [("all", "All"), ("urgent", "Urgent"), ("routine", "Routine")],
        [("hours", "Median hours")],
        {("all", "hours"): 20.0, ("urgent", "hours"): 30.0, ("routine", "hours"): 0.0},
        totals="none",
        basis={("all", "hours"): 9, ("urgent", "hours"): 2, ("routine", "hours"): 0},
        unit="hours",
    )
    published = publish(table, scope)
    assert _values(published) == [[20.0], [shown], [None]]
    # The routine median rests on no record: it does not exist, it is not suppressed.
    assert [r["suppressed"] for r in published["rows"]] == [[False], [shown is None], [False]]


def test_month_keys_and_labels_are_plain_text():
    table = Table("m", "M", [(dt.date(2026, 1, 1), "Jan 2026")], [("n", "Count")], {})
    row = publish(table, TASK_FORCE)["rows"][0]
    assert (row["key"], row["label"], row["values"]) == ("2026-01-01", "Jan 2026", [0])
