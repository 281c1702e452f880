"""Browser pages of investigations and prosecutions.

Thin views: every record is read through the access layer (``cases.selectors``,
``taskforce.access.get_visible`` or the base views of ``taskforce.pages``) and every change is
made by ``cases.services`` acting ``by=request.user``. A record out of reach answers 404; a
visible record the user may not change, 403. A service's ``ValidationError`` is shown next to
the field it names and changes nothing; a workflow step that is not possible from the record's
current state (``InvalidTransition``) answers 409 with its message, on the form page for steps
that have one and on a short explanation page for one-button steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from agencies.roles import Discipline, Role
from cases import forms, selectors, services
from cases.home import week_start
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Gender,
    Operation,
    Prosecution,
    ProsecutionReferral,
    ProsecutionReferralStatus,
    Subject,
)
from taskforce import access
from taskforce.context_processors import memberships_in_force
from taskforce.errors import InvalidTransition
from taskforce.pages import CompartmentDetailView, form_page, submit_form

PAGE_SIZE = 25
TABS = (
    ("summary", "Summary"),
    ("subjects", "Subjects"),
    ("notes", "Notes"),
    ("operations", "Operations"),
    ("prosecution", "Prosecution"),
    ("hits", "Deconfliction hits"),
)
TAB_NAMES = frozenset(name for name, _ in TABS)
# Who speaks for the lead agency: shares, refers and chooses what the prosecutor sees.
LEAD_ROLES = frozenset({Role.INVESTIGATOR, Role.LE_SUPERVISOR})
GENDER_LABELS = dict(Gender.choices)


# --- helpers ----------------------------------------------------------------------------------


def case_url(case_id: int, tab: str = "summary") -> str:
    url = reverse("cases:detail", args=[case_id])
    return url if tab == "summary" else f"{url}?tab={tab}"


def _speaks_for_lead_agency(request, case: Case) -> bool:
    return any(
        m.agency_id == case.owner_agency_id and m.role in LEAD_ROLES
        for m in memberships_in_force(request)
    )


def _in_office(request, agency_id: int) -> bool:
    return any(
        m.agency_id == agency_id and m.role in services.PROSECUTION_ROLES
        for m in memberships_in_force(request)
    )


def _agencies_opening_cases(request) -> list:
    """The law-enforcement agencies the user may open a case for (as its lead agency)."""
    seen, agencies = set(), []
    for m in memberships_in_force(request):
        if (
            m.role in LEAD_ROLES
            and m.agency.discipline == Discipline.LAW_ENFORCEMENT
            and m.agency_id not in seen
        ):
            seen.add(m.agency_id)
            agencies.append(m.agency)
    return agencies


def _case_for_change(request, pk: int) -> Case:
    """The case, if the user may change it: 404 when out of reach, 403 when only visible."""
    return access.get_visible(
        request.user, Case.objects.select_related("owner_agency"), pk=pk, action="change"
    )


def _case_for_lead(request, pk: int) -> Case:
    """The case, for a step only the lead agency takes (its status, sharing, referral): a
    co-investigating agency with change on the file gets 403, like the service answers."""
    case = _case_for_change(request, pk)
    if not _speaks_for_lead_agency(request, case):
        raise PermissionDenied("Only the lead agency takes this step on its case.")
    return case


def _form_page(request, form, *, case: Case | None = None, tab: str = "summary", **page):
    back = case_url(case.pk, tab) if case is not None else reverse("cases:list")
    return form_page(request, "cases/form.html", form, case=case, cancel_url=back, **page)


def _conflict(request, message: str, *, case_id: int | None, tab: str = "summary"):
    """A one-button step that is not possible now: say why, change nothing (HTTP 409)."""
    back = case_url(case_id, tab) if case_id else reverse("home")
    return render(
        request, "cases/conflict.html", {"message": message, "back_url": back}, status=409
    )


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _one_step(request, step: Callable[[], object], *, success: str, case_id, tab: str, next_url):
    """Run a one-button step (POST): a message and back on success, 409 if not possible now."""
    try:
        step()
    except InvalidTransition as error:
        return _conflict(request, str(error), case_id=case_id, tab=tab)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(next_url)
    messages.success(request, success)
    return redirect(next_url)


# --- lists ------------------------------------------------------------------------------------


@login_required
def case_list(request):
    form = forms.CaseFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        cases = selectors.cases_for(
            request.user,
            search=data["q"],
            status=data["status"],
            trafficking_type=data["trafficking_type"],
            origin=data["origin"],
            agency=data["agency"] or None,
            assigned_to_me=data["mine"],
        )
    else:
        # A filter that cannot be applied shows its error and no rows, never unfiltered rows.
        cases = Case.objects.none()
    page = Paginator(cases.order_by("-last_activity_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "may_open": bool(_agencies_opening_cases(request)),
    }
    return render(request, "cases/list.html", context)


@login_required
def prosecution_list(request):
    form = forms.ProsecutionFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        prosecutions = selectors.prosecutions_for(request.user)
        if data["q"]:
            q = data["q"]
            prosecutions = prosecutions.filter(
                Q(case__number__icontains=q)
                | Q(case__title__icontains=q)
                | Q(court_case_number__icontains=q)
            )
        if data["status"]:
            prosecutions = prosecutions.filter(status=data["status"])
        if data["mine"]:
            prosecutions = prosecutions.filter(lead_prosecutor=request.user)
    else:
        prosecutions = Prosecution.objects.none()
    page = Paginator(prosecutions.order_by("-opened_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
    }
    return render(request, "cases/prosecutions.html", context)


@login_required
def court_calendar(request):
    monday = week_start(timezone.localdate())
    data = request.GET.copy()
    data.setdefault("week", monday.isoformat())
    form = forms.CourtCalendarForm(data)
    days = []
    if form.is_valid():
        monday = form.cleaned_data["week"] or monday
        events = list(selectors.court_calendar(request.user, start=monday, days=7))
        by_day: dict[dt.date, list] = {}
        for event in events:
            by_day.setdefault(timezone.localtime(event.scheduled_at).date(), []).append(event)
        days = [
            (monday + dt.timedelta(days=n), by_day.get(monday + dt.timedelta(days=n), []))
            for n in range(7)
        ]
    context = {
        "form": form,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "days": days,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "this_week": week_start(timezone.localdate()),
    }
    return render(request, "cases/court_calendar.html", context)


# --- case detail ------------------------------------------------------------------------------


class CaseDetailView(CompartmentDetailView):
    """One case, one tab at a time: only the selected tab's records are read."""

    queryset = Case.objects.select_related("owner_agency", "venue", "recruitment_method")
    template_name = "cases/detail.html"
    context_object_name = "case"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tab = self.request.GET.get("tab", "summary")
        if tab not in TAB_NAMES:
            tab = "summary"
        case = self.object
        may_change = access.can(self.request.user, case, "change")
        speaks_for_lead = _speaks_for_lead_agency(self.request, case)
        context.update(
            tab=tab,
            tabs=[(name, label, case_url(case.pk, name)) for name, label in TABS],
            may_change=may_change,
            speaks_for_lead=speaks_for_lead,
            may_refer=may_change
            and speaks_for_lead
            and CaseStatus.REFERRED in services.CASE_TRANSITIONS[case.status],
        )
        context.update(getattr(self, f"tab_{tab}")(case, context))
        return context

    def tab_summary(self, case, context) -> dict:
        transitions = services.CASE_TRANSITIONS[case.status]
        closed = case.status == CaseStatus.CLOSED
        # The lead agency moves the case's status; anyone who may change the file edits it.
        lead = context["may_change"] and context["speaks_for_lead"]
        return {
            "investigators": case.assigned_investigators.order_by(
                "last_name", "first_name", "username"
            ),
            "participating": case.participating_agencies.order_by("name"),
            "may_activate": lead and not closed and CaseStatus.ACTIVE in transitions,
            "may_close": lead and CaseStatus.CLOSED in transitions,
            "may_reopen": lead and closed,
            "may_edit": context["may_change"] and not closed,
        }

    def tab_subjects(self, case, context) -> dict:
        user = self.request.user
        live = selectors.identifiers_for(user).order_by("kind", "id")
        subjects = (
            selectors.subjects_for(user)
            .filter(case=case)
            .order_by("created_at", "id")
            .prefetch_related(Prefetch("identifiers", queryset=live, to_attr="live_identifiers"))
        )
        return {
            "subjects": subjects,
            "case_identifiers": live.filter(case=case, subject__isnull=True),
        }

    def tab_notes(self, case, context) -> dict:
        user = self.request.user
        notes = list(selectors.notes_for(user).filter(case=case).order_by("created_at", "id"))
        by_id = {note.pk: note for note in notes}
        now = timezone.now()
        top = []
        for note in notes:
            note.shown_corrections = []
            note.editable_by_me = (
                context["may_change"] and note.author_id == user.pk and now <= note.editable_until
            )
            root = note
            while root.corrects_id in by_id:
                root = by_id[root.corrects_id]
            if root is note:
                top.append(note)
            else:
                root.shown_corrections.append(note)
        top.reverse()  # newest first; corrections read in order under their note
        return {"notes": top}

    def tab_operations(self, case, context) -> dict:
        user = self.request.user
        notices = (
            selectors.notices_for(user).prefetch_related("languages").order_by("created_at", "id")
        )
        operations = list(
            selectors.operations_for(user)
            .filter(case=case)
            .order_by("-starts_at", "-id")
            .prefetch_related(Prefetch("notices", queryset=notices, to_attr="sent_notices"))
        )
        for operation in operations:
            for notice in operation.sent_notices:
                notice.gender_labels = [GENDER_LABELS.get(g, g) for g in notice.genders]
        return {"operations": operations}

    def tab_prosecution(self, case, context) -> dict:
        user = self.request.user
        referrals = list(
            selectors.prosecution_referrals_for(user)
            .filter(case=case)
            .select_related("referred_by", "decided_by")
            .order_by("-created_at", "-id")
        )
        for referral in referrals:
            pending = referral.status == ProsecutionReferralStatus.PENDING
            referral.may_decide = pending and _in_office(self.request, referral.office_id)
            referral.may_withdraw = pending and context["may_change"]
        prosecutions = list(
            selectors.prosecutions_for(user)
            .filter(case=case)
            .order_by("opened_on", "id")
            .prefetch_related(
                Prefetch(
                    "charges",
                    queryset=selectors.charges_for(user).order_by("charged_on", "id"),
                    to_attr="visible_charges",
                ),
                Prefetch(
                    "court_events",
                    queryset=selectors.court_events_for(user).order_by("scheduled_at", "id"),
                    to_attr="visible_events",
                ),
                Prefetch(
                    "notes",
                    queryset=selectors.prosecutor_notes_for(user).order_by("-created_at", "-id"),
                    to_attr="visible_notes",
                ),
            )
        )
        for prosecution in prosecutions:
            prosecution.in_my_office = _in_office(self.request, prosecution.owner_agency_id)
        return {"referrals": referrals, "prosecutions": prosecutions}

    def tab_hits(self, case, context) -> dict:
        hits = (
            selectors.hits_for(self.request.user)
            .filter(case=case)
            .select_related("identifier")
            .order_by("-created_at", "-id")
        )
        return {"hits": hits}


case_detail = CaseDetailView.as_view()


# --- cases: open, edit, transitions, sharing --------------------------------------------------


@login_required
def case_create(request):
    agencies = _agencies_opening_cases(request)
    if not agencies:
        raise PermissionDenied("Only law-enforcement investigators and supervisors open cases.")
    form = forms.CaseForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            agency = data.pop("agency", agencies[0])
            return services.open_case(by=request.user, agency=agency, **data)

        case, status = submit_form(form, write)
        if case is not None:
            messages.success(request, f"Opened case {case.number}.")
            return redirect(case_url(case.pk))
    return _form_page(request, form, heading="Open a case", submit="Open case", status=status)


@login_required
def case_edit(request, pk: int):
    case = _case_for_change(request, pk)
    form = forms.CaseForm(request.POST or None, case=case)
    status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            people = list(data.pop("assigned_investigators"))
            return services.update_case(
                case=case, by=request.user, assigned_investigators=people, **data
            )

        done, status = submit_form(form, write)
        if done is not None:
            messages.success(request, f"Saved case {case.number}.")
            return redirect(case_url(case.pk))
    return _form_page(
        request,
        form,
        heading=f"Edit case {case.number}",
        submit="Save case",
        case=case,
        status=status,
    )


@require_POST
@login_required
def case_activate(request, pk: int):
    case = _case_for_lead(request, pk)
    return _one_step(
        request,
        lambda: services.activate_case(case=case, by=request.user),
        success=f"Case {case.number} is active.",
        case_id=case.pk,
        tab="summary",
        next_url=case_url(case.pk),
    )


@require_POST
@login_required
def case_reopen(request, pk: int):
    case = _case_for_lead(request, pk)
    return _one_step(
        request,
        lambda: services.reopen_case(case=case, by=request.user),
        success=f"Reopened case {case.number}.",
        case_id=case.pk,
        tab="summary",
        next_url=case_url(case.pk),
    )


@login_required
def case_close(request, pk: int):
    case = _case_for_lead(request, pk)
    form = forms.CloseCaseForm(request.POST or None, initial={"ucr_clearance": case.ucr_clearance})
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.close_case(case=case, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"Closed case {case.number}.")
            return redirect(case_url(case.pk))
    return _form_page(
        request,
        form,
        heading=f"Close case {case.number}",
        submit="Close case",
        case=case,
        status=status,
        danger=True,
    )


@login_required
def case_share(request, pk: int):
    case = _case_for_lead(request, pk)
    form = forms.ShareCaseForm(request.POST or None, case=case)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.share_case(
                case=case,
                agency=d["agency"],
                access_level=d["access"],
                by=request.user,
                reason=d["reason"],
            ),
        )
        if done is not None:
            agency = form.cleaned_data["agency"]
            messages.success(request, f"Shared case {case.number} with {agency}.")
            return redirect(case_url(case.pk))
    return _form_page(
        request,
        form,
        heading=f"Share case {case.number}",
        submit="Share case",
        case=case,
        intro="The agency sees the whole case file, its charges and its court dates.",
        status=status,
    )


@login_required
def case_unshare(request, pk: int):
    case = _case_for_lead(request, pk)
    form = forms.UnshareCaseForm(request.POST or None, case=case)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.unshare_case(
                case=case, agency=d["agency"], by=request.user, reason=d["reason"]
            ),
        )
        if done is not None:
            messages.success(
                request, f"Stopped sharing case {case.number} with {form.cleaned_data['agency']}."
            )
            return redirect(case_url(case.pk))
    return _form_page(
        request,
        form,
        heading=f"Stop sharing case {case.number}",
        submit="Stop sharing",
        case=case,
        intro="The agency loses the case file at once; its investigators are unassigned.",
        status=status,
        danger=True,
    )


# --- subjects and identifiers -----------------------------------------------------------------


@login_required
def subject_create(request, pk: int):
    case = _case_for_change(request, pk)
    form = forms.SubjectForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        subject, status = submit_form(
            form, lambda d: services.add_subject(case=case, by=request.user, **d)
        )
        if subject is not None:
            messages.success(request, f"Added {forms.subject_label(subject)}.")
            return redirect(case_url(case.pk, "subjects"))
    return _form_page(
        request,
        form,
        heading=f"Add a subject to {case.number}",
        submit="Add subject",
        case=case,
        tab="subjects",
        intro="A subject with a full name and a date of birth is checked against other "
        "agencies' cases (deconfliction).",
        status=status,
    )


@login_required
def subject_edit(request, pk: int):
    subject = access.get_visible(
        request.user, Subject.objects.select_related("case"), pk=pk, action="change"
    )
    case = subject.case
    form = forms.SubjectForm(request.POST or None, subject=subject)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.update_subject(subject=subject, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the subject.")
            return redirect(case_url(case.pk, "subjects"))
    return _form_page(
        request,
        form,
        heading=f"Edit a subject of {case.number}",
        submit="Save subject",
        case=case,
        tab="subjects",
        status=status,
    )


@login_required
def identifier_create(request, pk: int):
    case = _case_for_change(request, pk)
    subjects = selectors.subjects_for(request.user).filter(case=case).order_by("created_at", "id")
    initial = {}
    if request.method == "GET" and request.GET.get("subject", "").isdigit():
        initial["subject"] = int(request.GET["subject"])
    form = forms.IdentifierForm(request.POST or None, subjects=subjects, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        identifier, status = submit_form(
            form, lambda d: services.add_identifier(case=case, by=request.user, **d)
        )
        if identifier is not None:
            messages.success(request, f"Added the {identifier.get_kind_display().lower()}.")
            return redirect(case_url(case.pk, "subjects"))
    return _form_page(
        request,
        form,
        heading=f"Add an identifier to {case.number}",
        submit="Add identifier",
        case=case,
        tab="subjects",
        intro="Identifiers are checked against other agencies' cases; a match tells both "
        "sides only which agency to call.",
        status=status,
    )


# --- notes ------------------------------------------------------------------------------------


def _note_for_change(request, pk: int) -> CaseNote:
    return access.get_visible(
        request.user, CaseNote.objects.select_related("case"), pk=pk, action="change"
    )


@login_required
def note_create(request, pk: int):
    case = _case_for_change(request, pk)
    form = forms.NoteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        note, status = submit_form(
            form, lambda d: services.add_note(case=case, by=request.user, **d)
        )
        if note is not None:
            messages.success(request, "Added the note.")
            return redirect(case_url(case.pk, "notes"))
    return _form_page(
        request,
        form,
        heading=f"Add a note to {case.number}",
        submit="Add note",
        case=case,
        tab="notes",
        intro="The author may edit a note for 15 minutes; after that, add a correction.",
        status=status,
    )


@login_required
def note_edit(request, pk: int):
    note = _note_for_change(request, pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied("Only the note's author edits it.")
    case = note.case
    form = forms.NoteForm(
        request.POST or None,
        editing=True,
        initial={"note_type": note.note_type, "body": note.body},
    )
    status = 200
    # Said before anything is typed; the service gives a late POST the same answer.
    refusal = (
        "The edit window has closed: add a correction instead."
        if timezone.now() > note.editable_until
        else ""
    )
    if not refusal and request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.edit_note(note=note, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the note.")
            return redirect(case_url(case.pk, "notes"))
    return _form_page(
        request,
        form,
        heading=f"Edit a note on {case.number}",
        submit="Save note",
        case=case,
        tab="notes",
        status=status,
        refusal=refusal,
    )


@login_required
def note_correct(request, pk: int):
    note = _note_for_change(request, pk)
    case = note.case
    form = forms.CorrectionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.correct_note(note=note, by=request.user, body=d["body"])
        )
        if done is not None:
            messages.success(request, "Added the correction.")
            return redirect(case_url(case.pk, "notes"))
    return _form_page(
        request,
        form,
        heading=f"Correct a note on {case.number}",
        submit="Add correction",
        case=case,
        tab="notes",
        intro=f"Original note ({note.get_note_type_display()}): {note.body}",
        status=status,
    )


@require_POST
@login_required
def note_for_prosecution(request, pk: int):
    note = _note_for_change(request, pk)
    share = request.POST.get("for_prosecution") == "1"
    return _one_step(
        request,
        lambda: services.mark_note_for_prosecution(
            note=note, by=request.user, for_prosecution=share
        ),
        success="The prosecutor now sees this note."
        if share
        else "The prosecutor no longer sees this note.",
        case_id=note.case_id,
        tab="notes",
        next_url=case_url(note.case_id, "notes"),
    )


# --- operations -------------------------------------------------------------------------------


@login_required
def operation_create(request, pk: int):
    case = _case_for_change(request, pk)
    form = forms.OperationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        operation, status = submit_form(
            form, lambda d: services.plan_operation(case=case, by=request.user, **d)
        )
        if operation is not None:
            messages.success(request, "Planned the operation.")
            return redirect(case_url(case.pk, "operations"))
    return _form_page(
        request,
        form,
        heading=f"Plan an operation on {case.number}",
        submit="Plan operation",
        case=case,
        tab="operations",
        status=status,
    )


def _operation_for_change(request, pk: int) -> Operation:
    return access.get_visible(
        request.user, Operation.objects.select_related("case"), pk=pk, action="change"
    )


@login_required
def operation_edit(request, pk: int):
    operation = _operation_for_change(request, pk)
    case = operation.case
    form = forms.OperationForm(request.POST or None, operation=operation)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.update_operation(operation=operation, by=request.user, **d),
        )
        if done is not None:
            messages.success(request, "Saved the operation.")
            return redirect(case_url(case.pk, "operations"))
    return _form_page(
        request,
        form,
        heading=f"Edit an operation on {case.number}",
        submit="Save operation",
        case=case,
        tab="operations",
        status=status,
    )


@login_required
def notice_create(request, pk: int):
    operation = _operation_for_change(request, pk)
    case = operation.case
    form = forms.NoticeForm(
        request.POST or None,
        initial={"window_starts": operation.starts_at, "window_ends": operation.ends_at},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        notice, status = submit_form(
            form,
            lambda d: services.send_pre_operation_notice(operation=operation, by=request.user, **d),
        )
        if notice is not None:
            messages.success(request, f"Sent the pre-operation notice to {notice.provider}.")
            return redirect(case_url(case.pk, "operations"))
    return _form_page(
        request,
        form,
        heading=f"Notify a service provider before an operation on {case.number}",
        submit="Send notice",
        case=case,
        tab="operations",
        intro="The provider learns only the time window, the expected number of victims, "
        "their genders and languages and whether minors are expected: never the case, the "
        "location or the targets.",
        status=status,
    )


# --- prosecution ------------------------------------------------------------------------------


@login_required
def case_refer(request, pk: int):
    case = _case_for_lead(request, pk)
    form = forms.ReferForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        referral, status = submit_form(
            form,
            lambda d: services.refer_for_prosecution(
                case=case, office=d["office"], by=request.user, message=d["message"]
            ),
        )
        if referral is not None:
            messages.success(request, f"Referred case {case.number} to {referral.office}.")
            return redirect(case_url(case.pk, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Refer case {case.number} for prosecution",
        submit="Refer case",
        case=case,
        tab="prosecution",
        status=status,
    )


def _referral_to_decide(request, pk: int) -> ProsecutionReferral:
    """A referral the user's office received: 404 out of reach, 403 for anyone else."""
    referral = access.get_visible(
        request.user, ProsecutionReferral.objects.select_related("case", "office"), pk=pk
    )
    if not _in_office(request, referral.office_id):
        raise PermissionDenied("Only the receiving office decides on a referral.")
    return referral


def _already_decided(referral: ProsecutionReferral) -> str:
    if referral.status == ProsecutionReferralStatus.PENDING:
        return ""
    return f"This referral is already {referral.get_status_display().lower()}."


@login_required
def referral_accept(request, pk: int):
    referral = _referral_to_decide(request, pk)
    form = forms.AcceptReferralForm(
        request.POST or None, office=referral.office, initial={"lead_prosecutor": request.user.pk}
    )
    status = 200
    refusal = _already_decided(referral)
    if not refusal and request.method == "POST" and form.is_valid():
        prosecution, status = submit_form(
            form,
            lambda d: services.accept_prosecution_referral(
                referral=referral,
                by=request.user,
                lead_prosecutor=d["lead_prosecutor"],
                jurisdiction_level=d["jurisdiction_level"] or None,
                court_case_number=d["court_case_number"],
            ),
        )
        if prosecution is not None:
            messages.success(request, f"Accepted case {referral.case.number} for prosecution.")
            return redirect(case_url(referral.case_id, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Accept case {referral.case.number} for prosecution",
        submit="Accept referral",
        case=referral.case,
        tab="prosecution",
        intro=referral.message,
        status=status,
        refusal=refusal,
    )


@login_required
def referral_decline(request, pk: int):
    referral = _referral_to_decide(request, pk)
    form = forms.DeclineReferralForm(request.POST or None)
    status = 200
    refusal = _already_decided(referral)
    if not refusal and request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.decline_prosecution_referral(
                referral=referral, by=request.user, reason=d["reason"]
            ),
        )
        if done is not None:
            messages.success(request, f"Declined case {referral.case.number}.")
            return redirect("home")
    return _form_page(
        request,
        form,
        heading=f"Decline case {referral.case.number}",
        submit="Decline referral",
        case=referral.case,
        tab="prosecution",
        intro="Declining ends your office's access to the case; the referral stays on record.",
        status=status,
        danger=True,
        refusal=refusal,
    )


@require_POST
@login_required
def referral_withdraw(request, pk: int):
    referral = access.get_visible(
        request.user, ProsecutionReferral.objects.select_related("case"), pk=pk, action="change"
    )
    return _one_step(
        request,
        lambda: services.withdraw_prosecution_referral(referral=referral, by=request.user),
        success="Withdrew the referral.",
        case_id=referral.case_id,
        tab="prosecution",
        next_url=case_url(referral.case_id, "prosecution"),
    )


def _prosecution_for_change(request, pk: int) -> Prosecution:
    return access.get_visible(
        request.user, Prosecution.objects.select_related("case"), pk=pk, action="change"
    )


@login_required
def charge_create(request, pk: int):
    prosecution = _prosecution_for_change(request, pk)
    case = prosecution.case
    subjects = selectors.subjects_for(request.user).filter(case=case).order_by("created_at", "id")
    form = forms.ChargeForm(request.POST or None, subjects=subjects)
    status = 200
    if request.method == "POST" and form.is_valid():
        charge, status = submit_form(
            form, lambda d: services.add_charge(prosecution=prosecution, by=request.user, **d)
        )
        if charge is not None:
            messages.success(request, f"Added the charge under {charge.statute.citation}.")
            return redirect(case_url(case.pk, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Add a charge on {case.number}",
        submit="Add charge",
        case=case,
        tab="prosecution",
        status=status,
    )


@login_required
def charge_edit(request, pk: int):
    charge = access.get_visible(
        request.user,
        Charge.objects.select_related("prosecution__case", "statute"),
        pk=pk,
        action="change",
    )
    case = charge.prosecution.case
    form = forms.ChargeDispositionForm(request.POST or None, charge=charge)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.update_charge(charge=charge, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the disposition.")
            return redirect(case_url(case.pk, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Disposition of the {charge.statute.citation} charge on {case.number}",
        submit="Save disposition",
        case=case,
        tab="prosecution",
        status=status,
    )


@login_required
def court_event_create(request, pk: int):
    prosecution = _prosecution_for_change(request, pk)
    case = prosecution.case
    form = forms.CourtEventForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        event, status = submit_form(
            form,
            lambda d: services.schedule_court_event(prosecution=prosecution, by=request.user, **d),
        )
        if event is not None:
            messages.success(request, f"Scheduled the {event.get_event_type_display().lower()}.")
            return redirect(case_url(case.pk, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Schedule a court date on {case.number}",
        submit="Schedule",
        case=case,
        tab="prosecution",
        status=status,
    )


@login_required
def court_event_edit(request, pk: int):
    event = access.get_visible(
        request.user,
        CourtEvent.objects.select_related("prosecution__case"),
        pk=pk,
        action="change",
    )
    case = event.prosecution.case
    form = forms.CourtEventForm(request.POST or None, event=event)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.update_court_event(event=event, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the court date.")
            return redirect(case_url(case.pk, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Court date on {case.number}",
        submit="Save court date",
        case=case,
        tab="prosecution",
        status=status,
    )


@login_required
def prosecutor_note_create(request, pk: int):
    prosecution = _prosecution_for_change(request, pk)
    case = prosecution.case
    form = forms.ProsecutorNoteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        note, status = submit_form(
            form,
            lambda d: services.add_prosecutor_note(
                prosecution=prosecution, by=request.user, body=d["body"]
            ),
        )
        if note is not None:
            messages.success(request, "Added the prosecutor note.")
            return redirect(case_url(case.pk, "prosecution"))
    return _form_page(
        request,
        form,
        heading=f"Add a prosecutor note on {case.number}",
        submit="Add note",
        case=case,
        tab="prosecution",
        status=status,
    )


# --- deconfliction ----------------------------------------------------------------------------


@require_POST
@login_required
def hit_acknowledge(request, pk: int):
    hit = access.get_visible(request.user, DeconflictionHit, pk=pk, audit_read=False)
    return _one_step(
        request,
        lambda: services.acknowledge_hit(hit=hit, by=request.user),
        success="Acknowledged the deconfliction hit.",
        case_id=hit.case_id,
        tab="hits",
        next_url=_next_or(request, case_url(hit.case_id, "hits")),
    )
