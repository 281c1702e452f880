"""Browser pages of deadlines and notifications, and the deadlines panel of every home page.

Deadlines come only from ``taskforce.deadlines.deadlines_for`` (visibility follows the source
record); court dates on the week view from ``cases.selectors.court_calendar``; notifications are
the signed-in user's own.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, F, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince, timeuntil
from django.views.decorators.http import require_POST

from agencies.selectors import is_coordinator
from agencies.views import member_required
from cases import selectors as case_selectors
from cases.home import week_start
from taskforce import deadlines
from taskforce.context_processors import memberships_in_force
from taskforce.deadline_api import deadline_url
from taskforce.deadline_forms import (
    DeadlineFilterForm,
    DigestPreferenceForm,
    NotificationFilterForm,
    PolicyForm,
    WeekForm,
    offsets_text,
)
from taskforce.models import (
    OUTSTANDING,
    Deadline,
    DeadlineKind,
    NotificationPreference,
    ReminderPolicy,
)
from taskforce.pages import WindowPage, form_page, submit_form

# Each section of /deadlines/ shows this many, soonest first; "Later" is paged.
SECTION_LIMIT = 50
LATER_PAGE_SIZE = 25
HOME_SOONEST = 5
NOTIFICATIONS_PAGE_SIZE = 25


def _relative(due: dt.datetime, now: dt.datetime) -> str:
    if due < now:
        return f"{timesince(due, now, depth=1)} overdue"
    return f"in {timeuntil(due, now, depth=1)}"


def _decorate(rows, now: dt.datetime) -> list[Deadline]:
    """The source page's link and the relative due time, worked out once per row."""
    rows = list(rows)
    for deadline in rows:
        deadline.link = deadline_url(deadline)
        deadline.relative = _relative(deadline.due_at, now)
    return rows


def _visible(request):
    return deadlines.deadlines_for(
        request.user,
        Deadline.objects.select_related("owner_agency"),
        memberships=memberships_in_force(request),
    )


SECTIONS = (("overdue", "Overdue"), ("today", "Due today"), ("week", "This week"))


def _sections(rows, now, today_end, week_end) -> list[dict]:
    """Overdue, today and this week, the first ``SECTION_LIMIT`` of each (and whether there are
    more), in one query: each row is labelled with its section and numbered within it."""
    section = Case(
        When(due_at__lt=now, then=Value("overdue")),
        When(due_at__lte=today_end, then=Value("today")),
        default=Value("week"),
        output_field=CharField(),
    )
    soon = (
        rows.filter(due_at__lte=week_end)
        .annotate(
            section=section,
            position=Window(RowNumber(), partition_by=[section], order_by=[F("due_at"), F("id")]),
        )
        .filter(position__lte=SECTION_LIMIT + 1)
        .order_by("due_at", "id")
    )
    found = {key: [] for key, _ in SECTIONS}
    for deadline in _decorate(soon, now):
        found[deadline.section].append(deadline)
    return [
        {
            "key": key,
            "title": title,
            "rows": found[key][:SECTION_LIMIT],
            "more": len(found[key]) > SECTION_LIMIT,
        }
        for key, title in SECTIONS
    ]


# --- /deadlines/ -------------------------------------------------------------------------------


@member_required
def deadline_list(request):
    """The user's open deadlines: overdue, today, this week, and later (paged)."""
    agencies = []
    for membership in memberships_in_force(request):
        if membership.agency not in agencies:
            agencies.append(membership.agency)
    form = DeadlineFilterForm(request.GET or None, agencies=agencies)
    rows = _visible(request).filter(status__in=OUTSTANDING)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["agency"]:
            rows = rows.filter(owner_agency_id=form.cleaned_data["agency"])
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
    elif form.is_bound:
        rows = rows.none()
    now, today_end, week_end = deadlines.window_bounds()
    sections = _sections(rows, now, today_end, week_end)
    later = WindowPage(
        rows.filter(due_at__gt=week_end).order_by("due_at", "id"),
        request.GET.get("page"),
        LATER_PAGE_SIZE,
    )
    later.object_list = _decorate(later.object_list, now)
    context = {
        "form": form,
        "sections": sections,
        "later": later,
        "show_later": later.number > 1,
        "now": now,
    }
    return render(request, "taskforce/deadlines/list.html", context)


# --- /deadlines/week/ --------------------------------------------------------------------------


@member_required
def deadline_week(request):
    """Seven columns, Monday to Sunday: the deadlines and court dates the user may see."""
    this_week = week_start(timezone.localdate())
    form = WeekForm(request.GET)
    monday = this_week
    if form.is_valid():
        monday = form.cleaned_data["start"] or this_week
    else:
        messages.warning(request, "That is not a date (YYYY-MM-DD): showing this week instead.")
    begin = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min))
    now = timezone.now()
    # Court dates come from the court calendar below; their own clocks would show them twice.
    week_deadlines = _decorate(
        _visible(request)
        .filter(due_at__gte=begin, due_at__lt=end)
        .exclude(kind=DeadlineKind.COURT_EVENT)
        .order_by("due_at", "id"),
        now,
    )
    events = list(case_selectors.court_calendar(request.user, start=monday, days=7))
    days = {monday + dt.timedelta(days=n): {"deadlines": [], "events": []} for n in range(7)}
    for deadline in week_deadlines:
        days[timezone.localtime(deadline.due_at).date()]["deadlines"].append(deadline)
    for event in events:
        days[timezone.localtime(event.scheduled_at).date()]["events"].append(event)
    context = {
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "days": list(days.items()),
        "today": timezone.localdate(),
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "this_week": this_week,
    }
    return render(request, "taskforce/deadlines/week.html", context)


# --- /notifications/ ---------------------------------------------------------------------------


@member_required
def notification_list(request):
    form = NotificationFilterForm(request.GET or None)
    rows = deadlines.notifications_for(request.user).order_by("-created_at", "-id")
    show, kind = "all", ""
    if form.is_bound and form.is_valid():
        show = form.cleaned_data["show"] or "all"
        kind = form.cleaned_data["kind"]
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    preference = NotificationPreference.objects.filter(user=request.user).first()
    digest = preference.daily_digest if preference else True
    context = {
        "form": form,
        "page": WindowPage(rows, request.GET.get("page"), NOTIFICATIONS_PAGE_SIZE),
        "digest_form": DigestPreferenceForm(initial={"daily_digest": digest}),
        "daily_digest": digest,
        "back": request.get_full_path(),
    }
    return render(request, "taskforce/notifications/list.html", context)


def _back(request):
    """Back to the list the user came from (a path of this site), else the notifications."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("notifications"))


@require_POST
@member_required
def notification_read(request, pk: int):
    if not deadlines.notifications_for(request.user).filter(pk=pk).exists():
        raise Http404("No such notification.")
    deadlines.mark_read(user=request.user, ids=[pk])
    return _back(request)


@require_POST
@member_required
def notification_read_all(request):
    marked = deadlines.mark_read(user=request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return _back(request)


@require_POST
@member_required
def notification_preferences(request):
    form = DigestPreferenceForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, never an error
    enabled = bool(form.cleaned_data.get("daily_digest"))
    deadlines.set_daily_digest(user=request.user, enabled=enabled)
    messages.success(
        request,
        "You will get the daily deadline email."
        if enabled
        else "You will no longer get the daily deadline email.",
    )
    return _back(request)


# --- The home page's panel ---------------------------------------------------------------------


def home_context(request) -> dict:
    """Counts of overdue, today and this week, and the five soonest outstanding deadlines."""
    now = timezone.now()
    outstanding = _visible(request).filter(status__in=OUTSTANDING)
    soonest = _decorate(outstanding.order_by("due_at", "id")[:HOME_SOONEST], now)
    return {
        "home_deadline_counts": deadlines.open_counts(request.user, now, outstanding),
        "home_deadlines": soonest,
    }


# --- /deadlines/policies/ ----------------------------------------------------------------------


@member_required
def policy_list(request):
    """The task force's clock for each kind of deadline: every member reads it."""
    customized = set(ReminderPolicy.objects.values_list("kind", flat=True))
    rows = [
        {
            "kind": kind,
            "label": DeadlineKind(kind).label,
            "offsets": offsets_text(policy.offsets_minutes),
            "window_hours": policy.window_hours,
            "urgent_window_hours": policy.urgent_window_hours,
            "escalate": policy.escalate,
            "customized": kind in customized,
        }
        for kind, policy in deadlines.all_policies().items()
    ]
    context = {"rows": rows, "may_edit": is_coordinator(request.user)}
    return render(request, "taskforce/deadlines/policies.html", context)


def _summary(policy) -> str:
    parts = [f"remind {offsets_text(policy.offsets_minutes)} before"]
    if policy.window_hours:
        parts.append(f"a {policy.window_hours}-hour response window")
    if policy.urgent_window_hours:
        parts.append(f"{policy.urgent_window_hours} hours when urgent or for a minor")
    parts.append("escalated when missed" if policy.escalate else "not escalated")
    return "; ".join(parts) + "."


@member_required
def policy_edit(request, pk: str):
    """A coordinator changes one kind's reminders, windows and escalation (``pk``: the kind)."""
    kind = pk
    if kind not in deadlines.DEFAULT_POLICIES:
        raise Http404("No such kind of deadline.")
    if not is_coordinator(request.user):
        raise PermissionDenied("Only coordinators change the reminder policies.")
    policy, default = deadlines.policy_for(kind), deadlines.DEFAULT_POLICIES[kind]
    form = PolicyForm(
        request.POST or None,
        initial={
            "offsets": offsets_text(policy.offsets_minutes),
            "window_hours": policy.window_hours,
            "urgent_window_hours": policy.urgent_window_hours,
            "escalate": policy.escalate,
        },
        has_window=default.window_hours is not None,
        has_urgent_window=default.urgent_window_hours is not None,
    )
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(
            form, lambda d: deadlines.set_policy(by=request.user, kind=kind, **form.changes())
        )
        if done is not None:
            messages.success(request, f"Saved the policy for {DeadlineKind(kind).label.lower()}.")
            return redirect("deadline-policies")
    return form_page(
        request,
        "taskforce/deadlines/policy_form.html",
        form,
        heading=f"Reminders: {DeadlineKind(kind).label}",
        submit="Save",
        cancel_url=reverse("deadline-policies"),
        intro=f"Defaults: {_summary(default)}",
    )
