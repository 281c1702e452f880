"""Aggregate figures of the task force: the dashboard, the periodic report and the
nondiscrimination view (DOMAIN §8), for browser pages, files and the ``reports/`` API alike.

Who sees what (the aggregate compartment):

* task-force-wide figures count every agency's records (``access.countable``) and are published
  with small cells suppressed (``taskforce.suppression``); every member in force reads them;
* a member agency's own figures count only what the access layer shows the user in that agency
  (``access.visible``) and are published in full: its people may read those records anyway;
* a coordinator may also look at one other agency's figures, suppressed like the task force's.

Every figure is a count or a statistic computed by the database (``GROUP BY``, conditional
aggregates); no record is loaded into Python, and no table names a person. A table of
governance records (trainings, outreach, MOUs, partner agencies) is not suppressed: every member
reads those records in full.

The figures themselves live beside their models: ``cases.figures``, ``victims.figures``,
``agencies.figures``, ``protocols.figures`` and the overdue deadlines below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from taskforce import access
from taskforce.periods import Period
from taskforce.suppression import suppress_table

# Trafficking-type filter: a case or person of both types counts under sex and under labor.
TRAFFICKING_TYPES = {
    "sex": ("sex", "both"),
    "labor": ("labor", "both"),
    "both": ("both",),
    "unknown": ("unknown",),
}
TRAFFICKING_TYPE_LABELS = {
    "sex": "Sex trafficking (including both)",
    "labor": "Labor trafficking (including both)",
    "both": "Sex and labor trafficking",
    "unknown": "Type unknown",
}
SUPPRESSED = "suppressed"  # how files and tables write a suppressed cell


# --- Scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose records a report counts, over which period, and whether it is suppressed."""

    user: object
    period: Period
    agency: object | None = None  # an Agency, or None for the whole task force
    trafficking_type: str = ""
    own: bool = False  # the agency is one of the user's own: figures in full
    threshold: int = 5

    @property
    def suppressed(self) -> bool:
        return not self.own

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def records(
        self, model, *, agency_field: str = "owner_agency", type_field: str | None = None
    ) -> QuerySet:
        """The compartmented records these figures count: the user's visible records of their
        own agency, or every agency's records (counted, never read) for task-force-wide and
        other-agency figures. Filtered by trafficking type through ``type_field``."""
        if self.own:
            qs = access.visible(self.user, model).filter(**{agency_field: self.agency})
        else:
            qs = access.countable(self.user, model)
            if self.agency is not None:
                qs = qs.filter(**{agency_field: self.agency})
        return self.typed(qs.order_by(), type_field)

    def governance(self, model, *, agency_field: str | None = None) -> QuerySet:
        """Governance records (every member reads them), of the chosen agency if any."""
        qs = model._default_manager.order_by()
        if self.agency is not None and agency_field:
            qs = qs.filter(**{agency_field: self.agency})
        return qs

    def typed(self, qs: QuerySet, type_field: str | None) -> QuerySet:
        if self.trafficking_type and type_field:
            qs = qs.filter(**{f"{type_field}__in": TRAFFICKING_TYPES[self.trafficking_type]})
        return qs

    def on_days(self, field_name: str, start: dt.date | None = None) -> Q:
        """A date field within the period (or from ``start`` to the period's end)."""
        return Q(**{f"{field_name}__gte": start or self.period.start}) & Q(
            **{f"{field_name}__lte": self.period.end}
        )

    def at_moments(self, field_name: str) -> Q:
        """A timestamp within the period's days, in the task force's time zone."""
        start, end = moment_bounds(self.period.start, self.period.end)
        return Q(**{f"{field_name}__gte": start}) & Q(**{f"{field_name}__lt": end})


def moment_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight at ``first`` and after ``last``, aware (half-open range)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), zone)
    return start, end


def threshold() -> int:
    return settings.REPORT_SUPPRESSION_THRESHOLD


def scope_for(user, *, period: Period, agency=None, trafficking_type: str = "") -> Scope:
    """The scope a user asked for, or ValidationError naming the field that may not be.

    Anyone in force may ask for the whole task force or one of their own agencies; only a
    coordinator may ask for another agency's figures (suppressed)."""
    from agencies.selectors import active_memberships, is_coordinator

    if trafficking_type and trafficking_type not in TRAFFICKING_TYPES:
        raise ValidationError({"trafficking_type": "Choose sex, labor, both or unknown."})
    own = False
    if agency is not None:
        own = active_memberships(user).filter(agency=agency).exists()
        if not own and not is_coordinator(user):
            raise ValidationError(
                {"agency": "Choose one of your own agencies, or none for the whole task force."}
            )
    return Scope(user, period, agency, trafficking_type, own, threshold())


# --- Tables -----------------------------------------------------------------------------------


Key = Hashable
Labelled = Sequence[tuple[Key, str]]


@dataclass
class Table:
    """One figure: rows by columns of counts (or statistics), before publication.

    ``totals``: "both" for counts that add up along rows and columns (a row total, a column
    total and the grand total are shown), "rows" when only each row adds up (its columns
    partition it, its rows are different figures), "none" when nothing adds up (one client
    counts under several services). ``people``: counts of compartmented records, suppressed
    outside the user's own agency. ``basis``: for statistics (a median, a share), how many
    records each cell rests on; a cell resting on fewer than the threshold is suppressed.
    """

    key: str
    title: str
    rows: Labelled
    columns: Labelled
    cells: Mapping[tuple[Key, Key], float]
    totals: str = "both"
    people: bool = True
    basis: Mapping[tuple[Key, Key], int] | None = None
    unit: str = "count"  # count, hours, percent
    chart: str = "bar"  # bar, stacked, line, or "" for a table only
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]
    note: str = ""


def tally(qs: QuerySet, row: str, column: str | None = None, *, distinct: str = "") -> dict:
    """Counts of ``qs`` grouped by one or two fields, in one query: ``{(row, column): n}``
    (``column`` None: ``{(row, "n"): n}``). ``distinct``: count distinct values of that field
    (clients, not service records)."""
    fields = [row] if column is None else [row, column]
    counted = Count(distinct or "pk", distinct=bool(distinct))
    found = qs.order_by().values(*fields).annotate(n=counted).values_list(*fields, "n")
    if column is None:
        return {(r, "n"): n for r, n in found}
    return {(r, c): n for r, c, n in found}


def count_list_members(qs: QuerySet, field: str, values: Iterable[str]) -> dict[str, int]:
    """How many records' JSON list ``field`` holds each value, in one query (conditional
    counts). JSON containment is not portable (SQLite has none), so the list's text is matched
    for the quoted value, alike on PostgreSQL and SQLite; the values are fixed slugs, so one
    cannot match inside another."""
    values = list(values)
    found = qs.annotate(list_text=Cast(field, TextField())).aggregate(
        **{
            f"n{i}": Count("pk", filter=Q(list_text__contains=f'"{value}"'))
            for i, value in enumerate(values)
        }
    )
    return {value: found[f"n{i}"] for i, value in enumerate(values)}


def month_rows(period: Period) -> list[tuple[dt.date, str]]:
    return [(m, f"{m:%b %Y}") for m in period.months]


def month_key(value) -> dt.date | None:
    """A truncated month from the database (a date, or an aware datetime) as its first day."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def by_month(cells: Mapping[tuple[Key, Key], int]) -> dict[tuple[Key, Key], int]:
    """Re-key a tally over ``Trunc*Month`` values by the first day of each month."""
    out: dict[tuple[Key, Key], int] = {}
    for (month, column), n in cells.items():
        key = (month_key(month), column)
        out[key] = out.get(key, 0) + n
    return out


def choices(text_choices, *, leave_out: Iterable[str] = ()) -> list[tuple[str, str]]:
    return [(value, label) for value, label in text_choices.choices if value not in leave_out]


ONE_COLUMN = [("n", "Count")]


# --- Publication ------------------------------------------------------------------------------


def _cell_value(value):
    return round(value, 1) if isinstance(value, float) else value


def publish(table: Table, scope: Scope) -> dict:
    """A table as it is shown, downloaded and served: JSON-ready, suppressed where the scope
    and the table say so. ``None`` is a suppressed figure."""
    rows = [r for r, _ in table.rows]
    columns = [c for c, _ in table.columns]
    raw = {(r, c): table.cells.get((r, c), 0) for r in rows for c in columns}
    suppress = scope.suppressed and table.people
    limit = scope.threshold
    row_totals: dict = {}
    column_totals: dict | None = None
    total = None
    if table.basis is not None:
        # A statistic over no record does not exist (None, not counted as suppressed); one
        # over fewer records than the threshold is suppressed.
        shown = {
            key: None
            if not table.basis.get(key, 0) or (suppress and table.basis[key] < limit)
            else raw[key]
            for key in raw
        }
    elif table.totals == "both":
        published = suppress_table(raw, rows, columns, threshold=limit if suppress else 1)
        shown, row_totals = published.cells, published.row_totals
        column_totals, total = published.column_totals, published.total
    elif table.totals == "rows":
        shown = {}
        for r in rows:
            line = suppress_table(raw, [r], columns, threshold=limit if suppress else 1)
            shown.update(line.cells)
            row_totals[r] = line.total
    else:
        shown = {
            key: None if suppress and 0 < value < limit else value for key, value in raw.items()
        }
    has_row_totals = table.totals in ("both", "rows") and table.basis is None
    return {
        "key": table.key,
        "title": table.title,
        "unit": table.unit,
        "chart": table.chart,
        "note": table.note,
        "columns": [{"key": str(c), "label": label} for c, label in table.columns],
        "rows": [
            {
                "key": str(r),
                "label": label,
                "values": [_cell_value(shown[r, c]) for c in columns],
                # Which of the values are suppressed (a statistic over no record is None too,
                # but not suppressed: it does not exist).
                "suppressed": [
                    shown[r, c] is None and (table.basis is None or bool(table.basis.get((r, c))))
                    for c in columns
                ],
                "total": row_totals.get(r) if has_row_totals else None,
            }
            for r, label in table.rows
        ],
        "row_totals": has_row_totals,
        "column_totals": None if column_totals is None else [column_totals[c] for c in columns],
        "total": total,
        "suppressed": any(
            v is None and (table.basis is None or bool(table.basis.get(k, 0)))
            for k, v in shown.items()
        )
        or any(v is None for v in row_totals.values())
        or (column_totals is not None and any(v is None for v in column_totals.values()))
        or (table.totals == "both" and table.basis is None and total is None),
    }


@dataclass
class Report:
    """A published collection of sections: the dashboard, the periodic report or the
    nondiscrimination view."""

    title: str
    scope: Scope
    sections: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        scope = self.scope
        return {
            "title": self.title,
            "period": {
                "key": scope.period.key,
                "label": scope.period.label,
                "start": scope.period.start.isoformat(),
                "end": scope.period.end.isoformat(),
            },
            "agency": None if scope.agency is None else scope.agency.pk,
            "trafficking_type": scope.trafficking_type,
            "suppression": {"applied": scope.suppressed, "threshold": scope.threshold},
            "sections": self.sections,
        }


def build(title: str, scope: Scope, sections: Iterable[Section]) -> Report:
    return Report(
        title,
        scope,
        [
            {
                "key": s.key,
                "title": s.title,
                "note": s.note,
                "tables": [publish(t, scope) for t in s.tables],
            }
            for s in sections
        ],
    )


# --- Deadlines --------------------------------------------------------------------------------


def overdue_deadlines_by_agency(scope: Scope) -> Table:
    """Outstanding deadlines past due, by responsible agency, today (whatever the period):
    where the task force's work is behind."""
    from agencies.models import Agency
    from taskforce import deadlines
    from taskforce.models import OUTSTANDING, Deadline, DeadlineKind

    now = timezone.now()
    if scope.own:
        qs = deadlines.deadlines_for(scope.user, Deadline.objects.filter(owner_agency=scope.agency))
    else:
        qs = access.countable(scope.user, Deadline)
        if scope.agency is not None:
            qs = qs.filter(owner_agency=scope.agency)
    qs = qs.filter(status__in=OUTSTANDING, due_at__lt=now)
    cells = tally(qs, "owner_agency", "kind")
    agency_ids = {a for a, _ in cells}
    agencies = Agency.objects.filter(pk__in=agency_ids).order_by("name").values_list("pk", "name")
    kinds = sorted({k for _, k in cells})
    labels = dict(DeadlineKind.choices)
    return Table(
        "overdue_deadlines",
        "Overdue deadlines by responsible agency (today)",
        list(agencies),
        [(k, labels.get(k, k)) for k in kinds],
        cells,
        chart="stacked",
        note="Deadlines past due and not met, whatever the period chosen.",
    )


# --- The collections --------------------------------------------------------------------------


def dashboard(scope: Scope) -> Report:
    from agencies import figures as agency_figures
    from cases import figures as case_figures
    from protocols import figures as governance_figures
    from victims import figures as victim_figures

    sections = [
        Section("cases", "Investigations", case_figures.dashboard_tables(scope)),
        Section("victims", "Victims identified", victim_figures.identified_tables(scope)),
        Section("referrals", "Referrals to services", victim_figures.referral_tables(scope)),
        Section("services", "Services", victim_figures.service_tables(scope)),
        Section("prosecutions", "Prosecutions", case_figures.prosecution_tables(scope)),
        Section("activity", "Training and outreach", agency_figures.activity_tables(scope)),
        Section(
            "governance",
            "Agreements and deadlines",
            [*governance_figures.mou_tables(scope), overdue_deadlines_by_agency(scope)],
        ),
    ]
    return build("Task force dashboard", scope, sections)


def task_force_report(scope: Scope) -> Report:
    from agencies import figures as agency_figures
    from cases import figures as case_figures
    from protocols import figures as governance_figures
    from victims import figures as victim_figures

    sections = [
        Section(
            "victim_services",
            "Victim services",
            victim_figures.victim_services_tables(scope),
            note="Clients of member service providers. A client is new the first time they are "
            "served in a federal fiscal year, and continuing after that in the same year; "
            "demographics are of new clients.",
        ),
        Section(
            "law_enforcement",
            "Law enforcement and prosecution",
            case_figures.report_tables(scope),
        ),
        Section(
            "task_force",
            "Task force activity",
            [
                *agency_figures.report_tables(scope),
                *victim_figures.referral_tables(scope),
                *governance_figures.mou_tables(scope),
            ],
        ),
    ]
    return build("Task force report", scope, sections)


def nondiscrimination(scope: Scope) -> Report:
    from victims import figures as victim_figures

    return build(
        "Nondiscrimination view",
        scope,
        [
            Section(
                "by_type",
                "By trafficking type",
                victim_figures.by_trafficking_type(scope),
            ),
            Section(
                "by_population",
                "By victim population",
                victim_figures.by_population(scope),
            ),
        ],
    )
