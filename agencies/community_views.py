"""Browser pages of training, outreach, trend bulletins and the coverage matrix.

Thin views, as the API: reads through ``agencies.selectors``, writes through
``agencies.services``. Every active member reads; a form the user may not submit is a 403 on
GET and POST alike; an unknown id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agencies import selectors, services
from agencies.forms import (
    DEIDENTIFY_WARNING,
    AttendanceForm,
    BulletinFilterForm,
    BulletinForm,
    CoverageFilterForm,
    OutreachFilterForm,
    OutreachForm,
    TrainingFilterForm,
    TrainingForm,
)
from agencies.models import Agency, BulletinStatus
from agencies.views import member_required
from taskforce.errors import InvalidTransition

PAGE_SIZE = 25
User = get_user_model()


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)}


def _form_page(request, form, *, heading, cancel_url, submit_label, warning="", intro=""):
    return render(
        request,
        "agencies/community_form.html",
        {
            "form": form,
            "heading": heading,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "warning": warning,
            "intro": intro,
        },
    )


def _coordinators_only(request, message: str) -> None:
    if not selectors.may_administer(request.user):
        raise PermissionDenied(message)


# --- Training -----------------------------------------------------------------------------------


@member_required
def training_list(request):
    form = TrainingFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        trainings = selectors.trainings(
            request.user,
            search=data["q"],
            topic=data["topic"],
            discipline=data["discipline"],
            held_from=data["held_from"],
            held_to=data["held_to"],
        )
    else:
        trainings = selectors.trainings(request.user).none()
    context = {
        "form": form,
        "may_write": selectors.may_administer(request.user),
        **_page(request, trainings.order_by("-held_on", "-id")),
    }
    return render(request, "agencies/training_list.html", context)


@member_required
def training_detail(request, pk: int):
    training = get_object_or_404(selectors.trainings(request.user), pk=pk)
    attendance = (
        selectors.visible_attendance(request.user)
        .filter(training=training)
        .order_by("agency__name", "external_name", "attendee__username", "id")
    )
    by_discipline: dict[str, int] = {}
    for discipline in training.attendance.values_list("agency__discipline", flat=True):
        by_discipline[discipline] = by_discipline.get(discipline, 0) + 1
    labels = dict(Agency._meta.get_field("discipline").choices)
    context = {
        "training": training,
        "attendance": attendance,
        "by_discipline": sorted((labels[d], n) for d, n in by_discipline.items()),
        "may_write": selectors.may_administer(request.user),
    }
    return render(request, "agencies/training_detail.html", context)


@member_required
def training_create(request):
    _coordinators_only(request, "Only coordinators record trainings.")
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.create_training(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Recorded {training.title}.")
            return redirect("community:training-detail", pk=training.pk)
    return _form_page(
        request,
        form,
        heading="Record a training",
        cancel_url=reverse("community:training-list"),
        submit_label="Record the training",
    )


@member_required
def training_edit(request, pk: int):
    training = get_object_or_404(selectors.trainings(request.user), pk=pk)
    _coordinators_only(request, "Only coordinators edit trainings.")
    form = TrainingForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_training(training=training, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Saved {training.title}.")
            return redirect("community:training-detail", pk=training.pk)
    return _form_page(
        request,
        form,
        heading=f"Edit {training.title}",
        cancel_url=reverse("community:training-detail", args=[training.pk]),
        submit_label="Save",
    )


@member_required
def attendance_create(request, pk: int):
    training = get_object_or_404(selectors.trainings(request.user), pk=pk)
    _coordinators_only(request, "Only coordinators record attendance.")
    form = AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attendance = services.record_attendance(
                training=training,
                by=request.user,
                attendee=data["username"],
                external_name=data["external_name"],
                agency=data["agency"],
                hours_credited=data["hours_credited"],
            )
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Recorded {attendance.attendee_name}'s attendance.")
            if "add_another" in request.POST:
                return redirect("community:attendance-create", pk=training.pk)
            return redirect("community:training-detail", pk=training.pk)
    return _form_page(
        request,
        form,
        heading=f"Record attendance: {training.title}",
        intro=f"{training.held_on:%Y-%m-%d}, {training.hours} hours.",
        cancel_url=reverse("community:training-detail", args=[training.pk]),
        submit_label="Record attendance",
    )


def _history_page(request, person):
    context = {
        "person": person,
        "own": person.pk == request.user.pk,
        "totals": selectors.training_totals(person),
        **_page(request, selectors.training_history(person)),
    }
    return render(request, "agencies/training_history.html", context)


@member_required
def my_training(request):
    return _history_page(request, request.user)


@member_required
def training_history(request, pk: int):
    person = get_object_or_404(User, pk=pk, is_active=True)
    if not selectors.may_see_training_history(request.user, person):
        raise PermissionDenied("You may not read this person's training history.")
    return _history_page(request, person)


# --- Outreach -----------------------------------------------------------------------------------


@member_required
def outreach_list(request):
    form = OutreachFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        events = selectors.outreach_events(
            request.user,
            search=data["q"],
            audience=data["audience"],
            language=data["language"],
            agency=data["agency"].pk if data["agency"] else None,
            held_from=data["held_from"],
            held_to=data["held_to"],
        )
    else:
        events = selectors.outreach_events(request.user).none()
    context = {
        "form": form,
        "may_write": selectors.may_record_outreach(request.user),
        **_page(request, events.prefetch_related("languages").order_by("-held_on", "-id")),
    }
    return render(request, "agencies/outreach_list.html", context)


@member_required
def outreach_detail(request, pk: int):
    event = get_object_or_404(
        selectors.outreach_events(request.user).prefetch_related("languages", "agencies"), pk=pk
    )
    context = {
        "event": event,
        "may_write": selectors.may_record_outreach(request.user, event.lead_agency),
    }
    return render(request, "agencies/outreach_detail.html", context)


def _lead_choices(request):
    if selectors.may_administer(request.user):
        return None
    return Agency.objects.filter(pk__in=selectors.supervised_agency_ids(request.user)).order_by(
        "name"
    )


@member_required
def outreach_create(request):
    if not selectors.may_record_outreach(request.user):
        raise PermissionDenied("Only coordinators and supervisors record outreach events.")
    form = OutreachForm(request.POST or None, lead_choices=_lead_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_outreach_event(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Recorded {event.title}.")
            return redirect("community:outreach-detail", pk=event.pk)
    return _form_page(
        request,
        form,
        heading="Record an outreach event",
        cancel_url=reverse("community:outreach-list"),
        submit_label="Record the event",
    )


@member_required
def outreach_edit(request, pk: int):
    event = get_object_or_404(selectors.outreach_events(request.user), pk=pk)
    if not selectors.may_record_outreach(request.user, event.lead_agency):
        raise PermissionDenied("You may not edit this outreach event.")
    form = OutreachForm(request.POST or None, event=event, lead_choices=_lead_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_outreach_event(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Saved {event.title}.")
            return redirect("community:outreach-detail", pk=event.pk)
    return _form_page(
        request,
        form,
        heading=f"Edit {event.title}",
        cancel_url=reverse("community:outreach-detail", args=[event.pk]),
        submit_label="Save",
    )


# --- Trend bulletins ----------------------------------------------------------------------------


@member_required
def bulletin_list(request):
    form = BulletinFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        bulletins = selectors.trend_bulletins(
            request.user,
            search=data["q"],
            kind=data["kind"],
            status=data["status"],
            venue=data["venue"],
            recruitment_method=data["recruitment_method"],
        )
    else:
        bulletins = selectors.trend_bulletins(request.user).none()
    context = {"form": form, **_page(request, bulletins.order_by("-created_at", "-id"))}
    return render(request, "agencies/bulletin_list.html", context)


@member_required
def bulletin_detail(request, pk: int):
    bulletin = get_object_or_404(selectors.trend_bulletins(request.user), pk=pk)
    active = bulletin.status == BulletinStatus.ACTIVE
    context = {
        "bulletin": bulletin,
        "may_edit": active and bulletin.author_id == request.user.pk,
        "may_archive": active and selectors.may_administer(request.user),
    }
    return render(request, "agencies/bulletin_detail.html", context)


@member_required
def bulletin_create(request):
    form = BulletinForm(request.POST or None, agencies=selectors.acting_agencies(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = data.pop("author_agency")
        try:
            bulletin = services.share_trend_bulletin(by=request.user, agency=agency, **data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, "Shared the bulletin with the task force.")
            return redirect("community:bulletin-detail", pk=bulletin.pk)
    return _form_page(
        request,
        form,
        heading="Share a trend bulletin",
        cancel_url=reverse("community:bulletin-list"),
        submit_label="Share",
        warning=DEIDENTIFY_WARNING,
    )


@member_required
def bulletin_edit(request, pk: int):
    bulletin = get_object_or_404(selectors.trend_bulletins(request.user), pk=pk)
    if bulletin.author_id != request.user.pk:
        raise PermissionDenied("Only its author edits a bulletin.")
    if bulletin.status != BulletinStatus.ACTIVE:
        return render(
            request,
            "agencies/community_form.html",
            {
                "heading": f"Edit {bulletin.title}",
                "refusal": "This bulletin is archived; it is no longer edited.",
                "cancel_url": reverse("community:bulletin-detail", args=[bulletin.pk]),
            },
            status=409,
        )
    form = BulletinForm(request.POST or None, bulletin=bulletin)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_trend_bulletin(bulletin=bulletin, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, "Saved the bulletin.")
            return redirect("community:bulletin-detail", pk=bulletin.pk)
    return _form_page(
        request,
        form,
        heading=f"Edit {bulletin.title}",
        cancel_url=reverse("community:bulletin-detail", args=[bulletin.pk]),
        submit_label="Save",
        warning=DEIDENTIFY_WARNING,
    )


@require_POST
@member_required
def bulletin_archive(request, pk: int):
    bulletin = get_object_or_404(selectors.trend_bulletins(request.user), pk=pk)
    _coordinators_only(request, "Only coordinators archive bulletins.")
    try:
        services.archive_trend_bulletin(bulletin=bulletin, by=request.user)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Archived the bulletin.")
    return redirect("community:bulletin-detail", pk=bulletin.pk)


# --- Coverage matrix ----------------------------------------------------------------------------


@member_required
def coverage(request):
    form = CoverageFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {"discipline": "", "language": ""}
    matrix = selectors.coverage_matrix(
        request.user, discipline=data["discipline"], language=data["language"]
    )
    return render(request, "agencies/coverage.html", {"form": form, "matrix": matrix})
