"""Browser pages of the agency directory, agency profiles and memberships.

Thin views: reads through ``agencies.selectors``, writes through ``agencies.services``. An agency
the user may not see (an inactive one, to anyone but a coordinator) is a 404; a visible agency
they may not manage is a 403.
"""

from __future__ import annotations

from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies import selectors, services
from agencies.forms import AgencyForm, DirectoryFilterForm, MembershipCreateForm, MembershipEditForm
from agencies.models import Agency, VocaCategory
from taskforce.context_processors import memberships_in_force
from taskforce.signin import reauthentication_required

DIRECTORY_PAGE_SIZE = 25


def member_required(view):
    """Signed in and holding a membership in force (as the API's ``IsActiveMember``)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not memberships_in_force(request):
            raise PermissionDenied("You need a membership in force in a task force agency.")
        return view(request, *args, **kwargs)

    return wrapped


def _is_coordinator(request) -> bool:
    return any(m.is_coordinator for m in memberships_in_force(request))


def _visible_agency(request, pk: int) -> Agency:
    """An agency the user may see: inactive ones only for coordinators, otherwise 404."""
    agencies = selectors.agency_directory(request.user, include_inactive=_is_coordinator(request))
    return get_object_or_404(agencies, pk=pk)


def _may_manage(request, agency: Agency) -> None:
    if not selectors.may_manage_agency(request.user, agency):
        raise PermissionDenied("You may not manage this agency.")


@member_required
def directory(request):
    form = DirectoryFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        agencies = selectors.agency_directory(
            request.user,
            search=data["q"],
            discipline=data["discipline"],
            jurisdiction_level=data["jurisdiction_level"],
            service=data["service"],
            population=data["population"],
            language=data["language"],
        )
        sort = data["sort"]
        agencies = agencies.order_by(*(("-name", "-id") if sort == "-name" else ("name", "id")))
    else:
        # A filter that cannot be applied shows its error and no rows, never unfiltered rows.
        agencies = Agency.objects.none()
        sort = "name"
    page = Paginator(agencies.prefetch_related("languages"), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "sort": sort,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "agencies/_directory_results.html", context)
    return render(request, "agencies/directory.html", context)


@member_required
def detail(request, pk: int):
    agency = _visible_agency(request, pk)
    services_by_category = defaultdict(list)
    for service in agency.services_offered.order_by("name"):
        services_by_category[service.voca_category].append(service)
    own_agency = any(m.agency_id == agency.pk for m in memberships_in_force(request))
    show_roster = _is_coordinator(request) or own_agency
    roster = (
        selectors.visible_memberships(request.user)
        .filter(agency=agency)
        .select_related("user")
        .order_by("ends", "user__last_name", "user__username", "id")
        if show_roster
        else []
    )
    context = {
        "agency": agency,
        "service_groups": [
            (label, services_by_category[value])
            for value, label in VocaCategory.choices
            if services_by_category[value]
        ],
        "populations": agency.populations_served.order_by("dimension", "name"),
        "languages": agency.languages.order_by("name"),
        "show_roster": show_roster,
        "roster": roster,
        "today": timezone.localdate(),
        "may_manage": selectors.may_manage_agency(request.user, agency),
    }
    return render(request, "agencies/detail.html", context)


@member_required
def create(request):
    if not _is_coordinator(request):
        raise PermissionDenied("Only coordinators add agencies.")
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.create_agency(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Added {agency.name}.")
            return redirect("agencies:detail", pk=agency.pk)
    return render(request, "agencies/agency_form.html", {"form": form, "agency": None})


@member_required
def edit(request, pk: int):
    agency = _visible_agency(request, pk)
    _may_manage(request, agency)
    heading = agency.name  # the service may change the instance before refusing the input
    form = AgencyForm(request.POST or None, agency=agency, coordinator=_is_coordinator(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agency(agency=agency, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Saved {agency.name}.")
            return redirect("agencies:detail", pk=agency.pk)
    context = {"form": form, "agency": agency, "heading": heading}
    return render(request, "agencies/agency_form.html", context)


@member_required
@reauthentication_required
def membership_create(request, pk: int):
    agency = _visible_agency(request, pk)
    _may_manage(request, agency)
    form = MembershipCreateForm(
        request.POST or None, agency=agency, may_appoint_coordinators=_is_coordinator(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_membership(
                by=request.user,
                user=data["username"],
                agency=agency,
                role=data["role"],
                title=data["title"],
                starts=data["starts"],
                ends=data["ends"],
                is_coordinator=data.get("is_coordinator", False),
            )
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Added {data['username'].username} to {agency.name}.")
            return redirect("agencies:detail", pk=agency.pk)
    context = {"form": form, "agency": agency, "membership": None}
    return render(request, "agencies/membership_form.html", context)


def _managed_membership(request, pk: int):
    membership = get_object_or_404(
        selectors.visible_memberships(request.user).select_related("agency", "user"), pk=pk
    )
    _may_manage(request, membership.agency)
    return membership


@member_required
@reauthentication_required
def membership_edit(request, pk: int):
    membership = _managed_membership(request, pk)
    agency = membership.agency
    initial = {
        f: getattr(membership, f) for f in ("role", "title", "starts", "ends", "is_coordinator")
    }
    form = MembershipEditForm(
        request.POST or None,
        initial=initial,
        agency=agency,
        may_appoint_coordinators=_is_coordinator(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_validation_error(error)
        else:
            messages.success(request, f"Saved the membership of {membership.user.username}.")
            return redirect("agencies:detail", pk=agency.pk)
    context = {"form": form, "agency": agency, "membership": membership}
    return render(request, "agencies/membership_form.html", context)


@require_POST
@member_required
@reauthentication_required
def membership_end(request, pk: int):
    membership = _managed_membership(request, pk)
    if membership.ends is not None and membership.ends < timezone.localdate():
        # Ending it "today" would move an end date in the past forward and revive it.
        messages.error(request, f"That membership already ended on {membership.ends:%Y-%m-%d}.")
        return redirect("agencies:detail", pk=membership.agency_id)
    try:
        services.end_membership(membership=membership, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Ended the membership of {membership.user.username} on {membership.ends:%Y-%m-%d}.",
        )
    return redirect("agencies:detail", pk=membership.agency_id)
