"""Browser pages of the aggregate figures: the dashboard (charts, each with its table), the
task force report for a period (printable, and downloadable as CSV and XLSX) and the
nondiscrimination view. Every figure comes from ``taskforce.reports``."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.views import member_required
from taskforce import audit, reports
from taskforce.models import AuditAction
from taskforce.periods import Period
from taskforce.report_forms import ReportFilterForm
from taskforce.signin import reauthentication_required
from taskforce.spreadsheets import FORMATS, Sheet, download


def _scope(request) -> tuple[ReportFilterForm, reports.Scope | None]:
    """The filters of the request (none: the whole task force this fiscal year), and the scope
    they ask for, or None with the reasons on the form."""
    form = ReportFilterForm(request.GET, user=request.user)
    return form, form.scope()


def _page(request, template: str, build):
    form, scope = _scope(request)
    context = {"form": form, "report": None, "quick_periods": _quick_periods(request)}
    status = 200
    if scope is None:
        status = 400
    else:
        context["report"] = _for_template(build(scope))
        context["scope"] = scope
        context["trafficking_type_label"] = reports.TRAFFICKING_TYPE_LABELS.get(
            scope.trafficking_type, ""
        )
        context["download_query"] = _query(request, period=scope.period.key)
    return render(request, template, context, status=status)


def _for_template(report: reports.Report) -> reports.Report:
    """Each row's values beside their suppression flags, and each chart's data element id."""
    for section in report.sections:
        for table in section["tables"]:
            table["chart_id"] = f"chart-{table['key']}"
            for row in table["rows"]:
                row["cells"] = list(zip(row["values"], row["suppressed"], strict=True))
    return report


def _query(request, **changes) -> str:
    query = request.GET.copy()
    query.pop("file", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


def _quick_periods(request) -> list[dict]:
    """The latest quarters and fiscal years, one click each (the filters kept)."""
    today = timezone.localdate()
    quarter = Period.containing(today, "Q")
    quarters = [quarter]
    while len(quarters) < 4:
        quarters.append(quarters[-1].previous())
    years = [Period(quarter.fiscal_year), Period(quarter.fiscal_year - 1)]
    return [
        {"period": p, "short": p.key, "query": _query(request, period=p.key)}
        for p in [*quarters, *years]
    ]


@require_GET
@member_required
def dashboard(request):
    return _page(request, "taskforce/reports/dashboard.html", reports.dashboard)


@require_GET
@member_required
def task_force_report(request):
    return _page(request, "taskforce/reports/report.html", reports.task_force_report)


@require_GET
@member_required
def nondiscrimination(request):
    return _page(request, "taskforce/reports/nondiscrimination.html", reports.nondiscrimination)


@require_GET
@member_required
@reauthentication_required
def report_download(request):
    """The task force report as a file: ``?file=xlsx`` (the default) or ``csv``, with the page's
    filters."""
    file_format = request.GET.get("file", "xlsx")
    if file_format not in FORMATS:
        return HttpResponseBadRequest("Choose file=csv or file=xlsx.", content_type="text/plain")
    form, scope = _scope(request)
    if scope is None:
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain")
    report = reports.task_force_report(scope)
    # Every file that leaves the system is on the audit trail (what, for whom; no figure).
    audit.record(
        AuditAction.EXPORT,
        user=request.user,
        object_type="taskforce.report",
        object_id=scope.period.key,
        detail={
            "report": "task_force",
            "format": file_format,
            "agency": scope.agency.pk if scope.agency else None,
            "trafficking_type": scope.trafficking_type,
            "suppressed": scope.suppressed,
        },
    )
    name = f"task-force-report-{scope.period.key.lower()}"
    if scope.agency is not None:
        name += f"-agency-{scope.agency.pk}"
    return download(report_sheets(report), name, file_format)


SUPPRESSION_NOTE = (
    "Counts from 1 to {limit_below} are shown as 'suppressed', and so are other cells where "
    "needed so that no suppressed count can be worked out from a total (zero stays zero)."
)


def report_sheets(report: reports.Report) -> list[Sheet]:
    """A cover sheet (what, when, whose, suppression) and one sheet per section: each table
    under its title, with its totals."""
    scope = report.scope
    cover = [
        [report.title],
        ["Period", scope.period.label],
        ["Agency", scope.agency.name if scope.agency else "The whole task force"],
        ["Trafficking type", reports.TRAFFICKING_TYPE_LABELS.get(scope.trafficking_type, "All")],
        ["Prepared", timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")],
        [
            "Small cells",
            SUPPRESSION_NOTE.format(limit_below=scope.threshold - 1)
            if scope.suppressed
            else "Not suppressed: the agency's own figures.",
        ],
    ]
    sheets = [Sheet("About", cover)]
    for section in report.sections:
        rows: list[list] = []
        for table in section["tables"]:
            if rows:
                rows.append([])
            rows.append([table["title"]])
            header = ["", *(c["label"] for c in table["columns"])]
            if table["row_totals"]:
                header.append("Total")
            rows.append(header)
            for row in table["rows"]:
                line = [
                    row["label"],
                    *(
                        reports.SUPPRESSED if hidden else v
                        for v, hidden in zip(row["values"], row["suppressed"], strict=True)
                    ),
                ]
                if table["row_totals"]:
                    line.append(_shown(row["total"]))
                rows.append(line)
            if table["column_totals"] is not None:
                rows.append(
                    ["Total", *(_shown(v) for v in table["column_totals"]), _shown(table["total"])]
                )
            if table["note"]:
                rows.append([table["note"]])
        sheets.append(Sheet(section["title"], rows, header_rows=0))
    return sheets


def _shown(value):
    return reports.SUPPRESSED if value is None else value
