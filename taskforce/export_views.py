"""Browser pages of record exports: the list of what the user may export and the downloads.

Everything read comes from ``taskforce.exports`` (the access layer, narrowed to the user's own
agencies' records); every download is audited (dataset, format, row count and agency ids, never
a name). A dataset the user may not export answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.views import member_required
from taskforce import audit, exports, periods
from taskforce.context_processors import memberships_in_force
from taskforce.models import AuditAction, AuditOutcome
from taskforce.signin import reauthentication_required
from taskforce.spreadsheets import FORMATS, download
from victims.selectors import may_see_immigration


def _period(request) -> tuple[periods.Period | None, str]:
    """The optional ``period`` filter (e.g. FY2027-Q1): the period, or an error message."""
    key = request.GET.get("period", "").strip()
    if not key:
        return None, ""
    try:
        return periods.Period.parse(key), ""
    except ValueError as exc:
        return None, f"period: {exc}"


@require_GET
@member_required
def export_list(request):
    """The datasets offered to the user, each as CSV and XLSX, and what a file includes."""
    period, error = _period(request)
    offered = exports.offered(request.user, memberships_in_force(request))
    immigration = may_see_immigration(request.user)
    context = {
        "datasets": [
            {
                "dataset": dataset,
                "agencies": agencies,
                "immigration_left_out": dataset.has_immigration_columns and not immigration,
            }
            for dataset, agencies in offered
        ],
        "immigration": immigration,
        "period": period,
        "period_key": period.key if period else "",
        "periods": periods.offered(timezone.localdate()),
        "error": error,
    }
    return render(request, "taskforce/reports/exports.html", context, status=400 if error else 200)


@require_GET
@member_required
@reauthentication_required
def export_download(request, pk: str):
    """One dataset (``pk``: its slug) as a file: ``?file=csv`` or ``?file=xlsx``, optionally
    ``&period=FY2027``."""
    chosen = exports.BY_SLUG.get(pk)
    agencies = (
        exports.own_agencies(request.user, chosen, memberships_in_force(request)) if chosen else []
    )
    if not agencies:
        audit.record(
            AuditAction.EXPORT,
            user=request.user,
            object_type=chosen.object_type if chosen else "",
            outcome=AuditOutcome.DENIED,
            detail={"dataset": pk[:40]},
            request=request,
            survive_rollback=True,
        )
        raise Http404("No such export.")
    file_format = request.GET.get("file", "")
    if file_format not in FORMATS:
        return HttpResponseBadRequest(
            "file: choose file=csv or file=xlsx.", content_type="text/plain"
        )
    period, error = _period(request)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain")
    immigration = may_see_immigration(request.user) and chosen.has_immigration_columns
    sheet, count = exports.sheet(
        request.user, chosen, agencies, immigration=immigration, period=period
    )
    audit.record(
        AuditAction.EXPORT,
        user=request.user,
        object_type=chosen.object_type,
        detail={
            "dataset": chosen.slug,
            "format": file_format,
            "rows": count,
            "agency_ids": [a.pk for a in agencies],
            "period": period.key if period else "",
            "immigration_fields": immigration,
        },
        request=request,
    )
    name = exports.filename(chosen, agencies, timezone.localdate(), period)
    return download([sheet], name, file_format)
