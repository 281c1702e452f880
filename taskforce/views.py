"""Browser pages of the shell: one home page per role, and the audit log."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render

from agencies.roles import ROLES_BY_DISCIPLINE, SUPERVISOR_ROLES, Discipline
from agencies.selectors import agency_directory
from cases.home import investigations_context, prosecution_context
from taskforce.context_processors import memberships_in_force
from taskforce.deadline_views import home_context as deadlines_context
from taskforce.forms import AuditLogFilterForm
from taskforce.models import AuditEvent
from victims.home import services_context

# Which home section a discipline's roles see. Community organizations and other government
# members share the community section.
SECTION_BY_DISCIPLINE = {
    Discipline.LAW_ENFORCEMENT: "investigations",
    Discipline.PROSECUTION: "prosecution",
    Discipline.VICTIM_SERVICES: "services",
    Discipline.COMMUNITY: "community",
    Discipline.GOVERNMENT_OTHER: "community",
}
SECTION_ORDER = ("coordinator", "investigations", "prosecution", "services", "community")
AUDIT_PAGE_SIZE = 50


def home_sections(memberships) -> list[str]:
    """The home sections for a set of memberships in force, in a fixed order.

    A coordinator's own membership (often a plain ``member`` of the task force office) shows
    the coordinator dashboard rather than the community section; any other role adds its own.
    """
    sections = set()
    for membership in memberships:
        if membership.is_coordinator:
            sections.add("coordinator")
        discipline_section = next(
            SECTION_BY_DISCIPLINE[d]
            for d, roles in ROLES_BY_DISCIPLINE.items()
            if membership.role in roles
        )
        if not (membership.is_coordinator and discipline_section == "community"):
            sections.add(discipline_section)
    return [s for s in SECTION_ORDER if s in sections]


def _agency_counts(user) -> tuple[list[tuple[str, int]], int]:
    counts = dict(
        agency_directory(user)
        .order_by()
        .values("discipline")
        .annotate(n=Count("id"))
        .values_list("discipline", "n")
    )
    rows = [(label, counts.get(value, 0)) for value, label in Discipline.choices]
    return rows, sum(counts.values())


@login_required
def home(request):
    memberships = memberships_in_force(request)
    if not memberships:
        return render(request, "taskforce/no_membership.html")
    sections = home_sections(memberships)
    # Every role's home page opens with the deadlines panel.
    context = {"sections": sections, **deadlines_context(request)}
    # Who may unlock a locked colleague (taskforce.lockout), from the memberships already read.
    context["may_unlock"] = any(m.is_coordinator or m.role in SUPERVISOR_ROLES for m in memberships)
    if "coordinator" in sections:
        context["agency_counts"], context["agency_total"] = _agency_counts(request.user)
    if "investigations" in sections:
        context.update(investigations_context(request.user))
    if "prosecution" in sections:
        context.update(prosecution_context(request.user))
    if "services" in sections:
        context.update(services_context(request.user))
    return render(request, "taskforce/home.html", context)


def _may_read_audit(request) -> bool:
    if request.user.is_superuser:
        return True
    return any(m.is_coordinator for m in memberships_in_force(request))


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


@login_required
def audit_log(request):
    """The audit trail, newest first. Coordinators and system administrators only; to anyone
    else the page does not exist. Reading it is not itself audited."""
    if not _may_read_audit(request):
        raise Http404("No such page.")
    form = AuditLogFilterForm(request.GET)
    events = AuditEvent.objects.order_by("-at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"] is not None:
            events = events.filter(user_id=data["user"])
        for field in ("action", "outcome", "object_type", "object_id"):
            if data[field]:
                events = events.filter(**{field: data[field].strip()})
        # Dates are UTC days, like the times shown.
        if data["date_from"]:
            events = events.filter(at__gte=_utc_midnight(data["date_from"]))
        if data["date_to"] and data["date_to"] < dt.date.max:
            events = events.filter(at__lt=_utc_midnight(data["date_to"] + dt.timedelta(days=1)))
    else:
        events = events.none()
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
    }
    return render(request, "taskforce/audit_log.html", context)
