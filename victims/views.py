"""Browser pages of victims, clients, referrals, releases of information and immigration relief.

Thin views: every record is read through ``victims.selectors`` or ``taskforce.access`` and every
change is made by ``victims.services`` acting ``by=request.user``. A record out of reach answers
404 (a client record to anyone outside its provider, whatever release exists); a visible record
the user may not change, or a step that belongs to the other side of a referral, 403; a step not
possible from the record's state (``InvalidTransition``) 409. A service's ``ValidationError`` is
shown next to the field it names and changes nothing.

The provider answers referrals in place: with htmx the accept and decline POSTs answer the
updated inbox row; without it they redirect like any other form.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from agencies.roles import Compartment, Discipline, roles_that_may
from agencies.views import member_required
from cases import selectors as case_selectors
from taskforce import access
from taskforce.context_processors import memberships_in_force
from taskforce.errors import InvalidTransition
from taskforce.pages import CompartmentDetailView, WindowPage, form_page, submit_form
from taskforce.signin import reauthentication_required
from victims import forms, selectors, services
from victims.models import (
    Client,
    ClientStatus,
    Consent,
    ConsentItem,
    DeclineReason,
    Disability,
    ImmigrationRelief,
    RaceEthnicity,
    Referral,
    ReferralStatus,
    ReliefKind,
    ReliefStatus,
    ServiceStatus,
    VictimWitness,
)

PAGE_SIZE = 25
RELEASES_PAGE_SIZE = 10
VICTIM_TABS = (
    ("profile", "Profile"),
    ("cases", "Cases"),
    ("referrals", "Referrals sent"),
    ("relief", "Immigration relief"),
    ("notifications", "Notifications"),
)
CLIENT_TABS = (
    ("profile", "Profile"),
    ("services", "Services"),
    ("consents", "Releases"),
    ("relief", "Immigration relief"),
    ("notes", "Notes"),
)
# Who keeps victim-witness records: law-enforcement and prosecution staff of those agencies.
VICTIM_ROLES = roles_that_may(Compartment.VICTIM_WITNESS, "change")
VICTIM_DISCIPLINES = (Discipline.LAW_ENFORCEMENT, Discipline.PROSECUTION)
RACE_LABELS = dict(RaceEthnicity.choices)
DISABILITY_LABELS = dict(Disability.choices)
ITEM_LABELS = dict(ConsentItem.choices)


# --- helpers ----------------------------------------------------------------------------------


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _agencies(request, roles=None, disciplines=None) -> list:
    """The agencies the user acts for through a membership in force with one of ``roles``."""
    seen, agencies = set(), []
    for m in memberships_in_force(request):
        if roles is not None and m.role not in roles:
            continue
        if disciplines is not None and m.agency.discipline not in disciplines:
            continue
        if m.agency_id not in seen:
            seen.add(m.agency_id)
            agencies.append(m.agency)
    return agencies


def _victim_agencies(request) -> list:
    return _agencies(request, VICTIM_ROLES, VICTIM_DISCIPLINES)


def _provider_agencies(request) -> list:
    return _agencies(request, services.VSP_ROLES, (Discipline.VICTIM_SERVICES,))


def _logs_notifications(request) -> bool:
    return bool(_agencies(request, services.VICTIM_WITNESS_STAFF, (Discipline.PROSECUTION,)))


def _form_page(request, form, *, template: str = "victims/form.html", **page):
    return form_page(request, template, form, **page)


def _conflict(request, message: str, back_url: str):
    """A one-button step that is not possible now: say why, change nothing (HTTP 409)."""
    return render(
        request, "cases/conflict.html", {"message": message, "back_url": back_url}, status=409
    )


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _group_services(form, *names: str):
    for name in names:
        if name in form.fields:
            form[name].groups = forms.service_groups(form[name])


def _tab(request, tabs) -> str:
    names = {name for name, _ in tabs}
    tab = request.GET.get("tab", tabs[0][0])
    return tab if tab in names else tabs[0][0]


def _tabs(url: str, tabs) -> list[tuple[str, str, str]]:
    return [(name, label, url if i == 0 else f"{url}?tab={name}")
            for i, (name, label) in enumerate(tabs)]  # fmt: skip


def _profile_labels(person) -> dict:
    return {
        "race_labels": [RACE_LABELS.get(v, v) for v in person.race_ethnicity],
        "disability_labels": [DISABILITY_LABELS.get(v, v) for v in person.disabilities],
    }


def _page(request, queryset, size: int = PAGE_SIZE):
    return {"page": WindowPage(queryset, request.GET.get("page"), size)}


RELEASE_FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "alias": "Alias",
    "date_of_birth": "Date of birth",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "safe_contact_notes": "Safe contact notes",
    "status": "Enrollment status",
    "enrolled_on": "Enrolled on",
    "exited_on": "Exited on",
}
ENROLLMENT_LABELS = {"enrolled": "Enrolled", "exited": "Exited", "not_enrolled": "Not enrolled"}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def release_sections(released: dict) -> list[dict]:
    """A release (``selectors.release_for``) as the page shows it: one section per covered
    item, in the order of the consent form, and nothing for an item not covered."""
    service_status = dict(ServiceStatus.choices)
    relief_kind, relief_status = dict(ReliefKind.choices), dict(ReliefStatus.choices)
    sections = []
    for item, label in ConsentItem.choices:
        if item not in released:
            continue
        value = released[item]
        section = {"item": item, "label": label}
        if item == ConsentItem.SERVICES_RECEIVED:
            section["headers"] = ("Service", "VOCA category", "Status", "Started", "Ended")
            section["rows"] = [
                (r["service_type"], r["voca_category"],
                 service_status.get(r["status"], r["status"]),
                 _shown(r["started_on"]), _shown(r["ended_on"]))
                for r in value
            ]  # fmt: skip
        elif item == ConsentItem.IMMIGRATION_RELIEF_STATUS:
            section["headers"] = ("Kind", "Status", "Requested", "Decided", "Expires")
            section["rows"] = [
                (relief_kind.get(r["kind"], r["kind"]),
                 relief_status.get(r["status"], r["status"]),
                 _shown(r["requested_on"]), _shown(r["decided_on"]), _shown(r["expires_on"]))
                for r in value
            ]  # fmt: skip
        else:
            shown = dict(value)
            if item == ConsentItem.ENROLLMENT_STATUS:
                shown["status"] = ENROLLMENT_LABELS.get(shown["status"], shown["status"])
            section["fields"] = [
                (RELEASE_FIELD_LABELS.get(name, name), _shown(v)) for name, v in shown.items()
            ]
        sections.append(section)
    return sections


# --- victim-witness records (law enforcement, prosecution) ------------------------------------


def victim_url(pk: int, tab: str = "profile") -> str:
    url = reverse("victims:detail", args=[pk])
    return url if tab == "profile" else f"{url}?tab={tab}"


@login_required
def victim_list(request):
    form = forms.VictimFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        victims = selectors.victims_for(
            request.user,
            search=data["q"],
            trafficking_type=data["trafficking_type"],
            minor=forms.tri_state(data["minor"]),
        )
    else:
        # A filter that cannot be applied shows its error and no rows, never unfiltered rows.
        victims = VictimWitness.objects.none()
    context = {
        "form": form,
        "may_record": bool(_victim_agencies(request)),
        **_page(request, victims.order_by("-created_at", "-id")),
    }
    return render(request, "victims/victim_list.html", context)


def _victim_cases(request):
    return case_selectors.cases_for(request.user)


@login_required
def victim_create(request):
    agencies = _victim_agencies(request)
    if not agencies:
        raise PermissionDenied("Victim-witness records are kept by law enforcement or prosecution.")
    form = forms.VictimForm(
        request.POST or None,
        agencies=agencies,
        cases=_victim_cases(request),
        immigration=selectors.may_see_immigration(request.user),
    )
    _status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            agency = data.pop("agency", agencies[0])
            cases = data.pop("case_numbers")
            return services.record_victim(agency=agency, by=request.user, cases=cases, **data)

        victim, _status = submit_form(form, write)
        if victim is not None:
            messages.success(request, f"Recorded victim #{victim.pk}.")
            return redirect(victim_url(victim.pk))
    return _form_page(
        request,
        form,
        heading="Record a victim",
        submit="Record victim",
        cancel_url=reverse("victims:list"),
        crumbs=[("Victims", reverse("victims:list"))],
        intro="Whether the person is a minor is worked out from the date of birth or the "
        "estimated age.",
        status=_status,
    )


class VictimDetailView(CompartmentDetailView):
    """One victim-witness record, one tab at a time: only the selected tab's records are read."""

    queryset = VictimWitness.objects.select_related("owner_agency", "primary_language")
    template_name = "victims/victim_detail.html"
    context_object_name = "victim"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        victim, user = self.object, self.request.user
        tab = _tab(self.request, VICTIM_TABS)
        may_change = access.can(user, victim, "change")
        own = any(a.pk == victim.owner_agency_id for a in _victim_agencies(self.request))
        immigration = selectors.may_see_immigration(user)
        context.update(
            tab=tab,
            tabs=_tabs(reverse("victims:detail", args=[victim.pk]), VICTIM_TABS),
            may_change=may_change,
            may_refer=own,
            may_record_relief=may_change and own and immigration,
            may_notify=_logs_notifications(self.request),
            immigration=immigration,
        )
        if tab == "profile":
            context.update(_profile_labels(victim))
        elif tab == "cases":
            context["cases"] = (
                case_selectors.cases_for(user).filter(victims=victim).order_by("number")
            )
        elif tab == "referrals":
            context["referrals"] = (
                selectors.referrals_sent(user).filter(victim=victim).order_by("-created_at", "-id")
            )
        elif tab == "relief":
            context["reliefs"] = (
                selectors.relief_for(user, victim=victim.pk).order_by("requested_on", "id")
                if immigration
                else []
            )
        elif tab == "notifications":
            context["notifications"] = selectors.notifications_for(user, victim=victim.pk).order_by(
                "-given_on", "-id"
            )
        return context


victim_detail = VictimDetailView.as_view()


def _victim_for_change(request, pk: int) -> VictimWitness:
    return access.get_visible(
        request.user, VictimWitness.objects.select_related("owner_agency"), pk=pk, action="change"
    )


@login_required
def victim_edit(request, pk: int):
    victim = _victim_for_change(request, pk)
    cases = _victim_cases(request)
    form = forms.VictimForm(
        request.POST or None,
        record=victim,
        cases=cases,
        immigration=selectors.may_see_immigration(request.user),
    )
    _status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            # Cases the editor cannot see stay linked: only the visible ones are replaced.
            hidden = list(victim.cases.exclude(pk__in=cases.values("pk")))
            linked = [*data.pop("case_numbers"), *hidden]
            return services.update_victim(victim=victim, by=request.user, cases=linked, **data)

        done, _status = submit_form(form, write)
        if done is not None:
            messages.success(request, f"Saved victim #{victim.pk}.")
            return redirect(victim_url(victim.pk))
    return _form_page(
        request,
        form,
        heading=f"Edit victim #{victim.pk}",
        submit="Save victim",
        cancel_url=victim_url(victim.pk),
        crumbs=[("Victims", reverse("victims:list")), (victim.display_name, victim_url(victim.pk))],
        status=_status,
    )


@login_required
def notification_create(request, pk: int):
    victim = access.get_visible(
        request.user, VictimWitness.objects.select_related("owner_agency"), pk=pk
    )
    if not _logs_notifications(request):
        raise PermissionDenied(
            "Victim notifications are logged by prosecution victim-witness staff."
        )
    court_events = (
        case_selectors.court_events_for(request.user)
        .filter(prosecution__case__in=victim.cases.all())
        .select_related("prosecution__case")
        .order_by("scheduled_at", "id")
    )
    form = forms.NotificationForm(
        request.POST or None,
        court_events=court_events,
        initial={"given_on": timezone.localdate()},
    )
    _status = 200
    if request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form,
            lambda d: services.log_victim_notification(victim=victim, by=request.user, **d),
        )
        if done is not None:
            messages.success(request, "Logged the notification.")
            return redirect(victim_url(victim.pk, "notifications"))
    return _form_page(
        request,
        form,
        heading=f"Log a notification for {victim.display_name}",
        submit="Log notification",
        cancel_url=victim_url(victim.pk, "notifications"),
        crumbs=[
            ("Victims", reverse("victims:list")),
            (victim.display_name, victim_url(victim.pk)),
        ],
        intro="Crime Victims' Rights Act: record each notification of a proceeding and each "
        "advisement of rights, when and how it was given.",
        status=_status,
    )


# --- client records (service providers) -------------------------------------------------------


def client_url(pk: int, tab: str = "profile") -> str:
    url = reverse("victims:client-detail", args=[pk])
    return url if tab == "profile" else f"{url}?tab={tab}"


@login_required
def client_list(request):
    form = forms.ClientFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        clients = selectors.clients_for(
            request.user,
            search=data["q"],
            status=data["status"],
            minor=forms.tri_state(data["minor"]),
        )
    else:
        clients = Client.objects.none()
    context = {
        "form": form,
        "may_record": bool(_provider_agencies(request)),
        **_page(request, clients.order_by("-created_at", "-id")),
    }
    return render(request, "victims/client_list.html", context)


@login_required
def client_create(request):
    agencies = _provider_agencies(request)
    if not agencies:
        raise PermissionDenied("Client records are kept by victim service providers.")
    form = forms.ClientForm(
        request.POST or None,
        agencies=agencies,
        immigration=selectors.may_see_immigration(request.user),
        initial={"enrolled_on": timezone.localdate()},
    )
    _status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            agency = data.pop("agency", agencies[0])
            return services.record_client(agency=agency, by=request.user, **data)

        client, _status = submit_form(form, write)
        if client is not None:
            messages.success(request, f"Recorded client {client.display_name}.")
            return redirect(client_url(client.pk))
    return _form_page(
        request,
        form,
        heading="Record a client",
        submit="Record client",
        cancel_url=reverse("victims:clients"),
        crumbs=[("Clients", reverse("victims:clients"))],
        intro="The client record stays with your agency. Nothing of it reaches another agency "
        "except through a release the client signs.",
        status=_status,
    )


class ClientDetailView(CompartmentDetailView):
    """One client record, one tab at a time: only the selected tab's records are read."""

    queryset = Client.objects.select_related("owner_agency", "primary_language", "case_manager")
    template_name = "victims/client_detail.html"
    context_object_name = "client"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client, user = self.object, self.request.user
        tab = _tab(self.request, CLIENT_TABS)
        may_change = access.can(user, client, "change")
        immigration = selectors.may_see_immigration(user)
        context.update(
            tab=tab,
            tabs=_tabs(reverse("victims:client-detail", args=[client.pk]), CLIENT_TABS),
            may_change=may_change,
            active=client.status == ClientStatus.ACTIVE,
            immigration=immigration,
        )
        if tab == "profile":
            context.update(_profile_labels(client))
        elif tab == "services":
            context.update(
                services=selectors.services_for(user, client=client.pk).order_by(
                    "-started_on", "-id"
                ),
                assessments=selectors.assessments_for(user, client=client.pk)
                .select_related("assessed_by")
                .order_by("-assessed_on", "-id"),
                plans=selectors.plans_for(user, client=client.pk)
                .select_related("written_by")
                .order_by("-starts_on", "-id"),
            )
        elif tab == "consents":
            consents = list(
                selectors.consents_for(user)
                .filter(client=client)
                .select_related("revoked_by")
                .order_by("-created_at", "-id")
            )
            for consent in consents:
                consent.item_labels = [ITEM_LABELS.get(i, i) for i in consent.items]
            context["consents"] = consents
        elif tab == "relief":
            context["reliefs"] = (
                selectors.relief_for(user, client=client.pk).order_by("requested_on", "id")
                if immigration
                else []
            )
        elif tab == "notes":
            notes = list(
                selectors.client_notes_for(user, client=client.pk).order_by("created_at", "id")
            )
            by_id = {note.pk: note for note in notes}
            top = []
            for note in notes:
                note.shown_corrections = []
                root = note
                while root.corrects_id in by_id:
                    root = by_id[root.corrects_id]
                (top if root is note else root.shown_corrections).append(note)
            top.reverse()  # newest first; corrections read in order under their note
            context["notes"] = top
        return context


client_detail = ClientDetailView.as_view()


def _client_for_change(request, pk: int) -> Client:
    """The client, if the user may change it: 404 when out of reach, 403 when only visible."""
    return access.get_visible(
        request.user, Client.objects.select_related("owner_agency"), pk=pk, action="change"
    )


def _client_crumbs(client) -> list[tuple[str, str]]:
    return [("Clients", reverse("victims:clients")), (client.display_name, client_url(client.pk))]


@login_required
def client_edit(request, pk: int):
    client = _client_for_change(request, pk)
    form = forms.ClientForm(
        request.POST or None,
        record=client,
        immigration=selectors.may_see_immigration(request.user),
    )
    _status = 200
    if request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.update_client(client=client, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"Saved client {client.display_name}.")
            return redirect(client_url(client.pk))
    return _form_page(
        request,
        form,
        heading=f"Edit client {client.display_name}",
        submit="Save client",
        cancel_url=client_url(client.pk),
        crumbs=_client_crumbs(client),
        status=_status,
    )


@login_required
def client_exit(request, pk: int):
    client = _client_for_change(request, pk)
    form = forms.ExitForm(request.POST or None, initial={"exited_on": timezone.localdate()})
    _status = 200
    refusal = (
        "This client has already exited services." if client.status == ClientStatus.EXITED else ""
    )
    if not refusal and request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.exit_client(client=client, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"{client.display_name} has exited services.")
            return redirect(client_url(client.pk))
    return _form_page(
        request,
        form,
        heading=f"Exit {client.display_name} from services",
        submit="Record exit",
        cancel_url=client_url(client.pk),
        crumbs=_client_crumbs(client),
        status=_status,
        danger=True,
        refusal=refusal,
    )


def _client_step(request, pk: int, *, form_class, write, heading, submit, tab, success, intro=""):
    """A form that adds one record to a client's file."""
    client = _client_for_change(request, pk)
    kwargs = {"provider": client.owner_agency} if form_class is forms.ServiceForm else {}
    form = form_class(request.POST or None, **kwargs)
    _group_services(form, "needs")
    _status = 200
    if request.method == "POST" and form.is_valid():
        done, _status = submit_form(form, lambda d: write(client, d))
        if done is not None:
            messages.success(request, success)
            return redirect(client_url(client.pk, tab))
    return _form_page(
        request,
        form,
        heading=f"{heading} for {client.display_name}",
        submit=submit,
        cancel_url=client_url(client.pk, tab),
        crumbs=_client_crumbs(client),
        intro=intro,
        status=_status,
    )


@login_required
def service_create(request, pk: int):
    return _client_step(
        request,
        pk,
        form_class=forms.ServiceForm,
        write=lambda client, d: services.record_service(client=client, by=request.user, **d),
        heading="Record a service",
        submit="Record service",
        tab="services",
        success="Recorded the service.",
    )


@login_required
def assessment_create(request, pk: int):
    return _client_step(
        request,
        pk,
        form_class=forms.AssessmentForm,
        write=lambda client, d: services.assess_needs(client=client, by=request.user, **d),
        heading="Assess needs",
        submit="Save assessment",
        tab="services",
        success="Saved the needs assessment.",
    )


@login_required
def plan_create(request, pk: int):
    return _client_step(
        request,
        pk,
        form_class=forms.PlanForm,
        write=lambda client, d: services.write_service_plan(client=client, by=request.user, **d),
        heading="Write a service plan",
        submit="Save plan",
        tab="services",
        success="Saved the service plan.",
    )


@login_required
def note_create(request, pk: int):
    return _client_step(
        request,
        pk,
        form_class=forms.ClientNoteForm,
        write=lambda client, d: services.add_client_note(
            client=client, by=request.user, body=d["body"]
        ),
        heading="Add a note",
        submit="Add note",
        tab="notes",
        success="Added the note.",
        intro="Notes are never edited; a correction can be added later.",
    )


# --- referrals --------------------------------------------------------------------------------


def referral_url(pk: int) -> str:
    return reverse("victims:referral-detail", args=[pk])


@login_required
def referral_list(request):
    form = forms.ReferralFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        referrals = selectors.referrals_for(
            request.user, status=data["status"], direction=data["direction"]
        ).order_by("-created_at", "-id")
        inbox = (
            list(selectors.open_inbox(request.user).prefetch_related(None)[:PAGE_SIZE])
            if not data["status"] and data["direction"] != "sent"
            else []
        )
    else:
        referrals, inbox = Referral.objects.none(), []
    my_agencies = {a.pk for a in _agencies(request)}
    context = {
        "form": form,
        "inbox": inbox,
        "decline_reasons": DeclineReason.choices,
        "next": request.get_full_path(),
        "my_agencies": my_agencies,
        "is_provider": bool(_provider_agencies(request)),
        **_page(request, referrals),
    }
    # The services of the inbox and of the page, in one query.
    prefetch_related_objects([*inbox, *context["page"].object_list], "services_requested")
    return render(request, "victims/referral_list.html", context)


@login_required
def referral_detail(request, pk: int):
    referral = access.get_visible(
        request.user,
        Referral.objects.select_related(
            "owner_agency", "provider", "shared_language", "sent_by", "responded_by", "victim"
        ),
        pk=pk,
    )
    sender = selectors.is_referral_sender(request.user, referral)
    provider = selectors.is_referral_provider(request.user, referral)
    status = referral.status
    context = {
        "referral": referral,
        "services_requested": referral.services_requested.order_by("voca_category", "name"),
        "is_sender": sender,
        "is_provider": provider,
        # The sender learns the outcome, never the provider's client record.
        "show_client": provider and referral.client_id is not None,
        # The provider never reaches the sender's own victim record.
        "show_victim": sender and referral.victim_id is not None,
        "may_answer": provider and status == ReferralStatus.SENT,
        "may_close": provider and status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED),
        "may_withdraw": sender and status == ReferralStatus.SENT,
    }
    return render(request, "victims/referral_detail.html", context)


def _referral_for_provider(request, pk: int) -> Referral:
    """A referral the user's provider received: 404 out of reach, 403 for the sender."""
    referral = access.get_visible(
        request.user,
        Referral.objects.select_related("owner_agency", "provider"),
        pk=pk,
        action="change",
    )
    if not selectors.is_referral_provider(request.user, referral):
        raise PermissionDenied("Only the receiving provider answers a referral.")
    return referral


def _referral_for_sender(request, pk: int) -> Referral:
    referral = access.get_visible(
        request.user,
        Referral.objects.select_related("owner_agency", "provider"),
        pk=pk,
        action="change",
    )
    if not selectors.is_referral_sender(request.user, referral):
        raise PermissionDenied("Only the sending agency withdraws a referral.")
    return referral


def _inbox_row(request, pk: int, *, form=None, message: str = "", status: int = 200):
    """The updated inbox row (the htmx answer to accept and decline)."""
    referral = (
        selectors.referrals_for(request.user)
        .prefetch_related("services_requested")
        .select_related("client")
        .get(pk=pk)
    )
    context = {
        "referral": referral,
        "decline_form": form,
        "row_message": message,
        "next": request.POST.get("next", ""),
        "decline_reasons": DeclineReason.choices,
    }
    return render(request, "victims/_inbox_row.html", context, status=status)


def _answered(referral: Referral) -> str:
    if referral.status == ReferralStatus.SENT:
        return ""
    return f"This referral is already {referral.get_status_display().lower()}."


@require_POST
@login_required
def referral_accept(request, pk: int):
    referral = _referral_for_provider(request, pk)
    try:
        referral = services.accept_referral(referral=referral, by=request.user)
    except InvalidTransition as error:
        if _is_htmx(request):
            return _inbox_row(request, pk, message=str(error), status=409)
        return _conflict(request, str(error), referral_url(pk))
    if _is_htmx(request):
        return _inbox_row(request, pk, message="Accepted: the client record is open.")
    messages.success(request, "Accepted the referral: the client record is open.")
    return redirect(_next_or(request, client_url(referral.client_id)))


@login_required
def referral_decline(request, pk: int):
    referral = _referral_for_provider(request, pk)
    form = forms.DeclineReferralForm(request.POST or None)
    _status = 200
    refusal = _answered(referral)
    if request.method == "POST" and _is_htmx(request):
        if refusal:
            return _inbox_row(request, pk, message=refusal, status=409)
        if form.is_valid():
            done, _status = submit_form(
                form,
                lambda d: services.decline_referral(referral=referral, by=request.user, **d),
            )
            if done is not None:
                return _inbox_row(request, pk, message="Declined.")
        return _inbox_row(request, pk, form=form, status=_status)
    if not refusal and request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.decline_referral(referral=referral, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"Declined referral #{referral.pk}.")
            return redirect(_next_or(request, referral_url(referral.pk)))
    return _form_page(
        request,
        form,
        heading=f"Decline referral #{referral.pk}",
        submit="Decline",
        cancel_url=referral_url(referral.pk),
        crumbs=[
            ("Referrals", reverse("victims:referrals")),
            (f"#{referral.pk}", referral_url(referral.pk)),
        ],
        intro=f"{referral.owner_agency.name} learns that the referral was declined and why.",
        status=_status,
        danger=True,
        refusal=refusal,
    )


@login_required
def referral_withdraw(request, pk: int):
    referral = _referral_for_sender(request, pk)
    form = forms.WithdrawReferralForm(request.POST or None)
    _status = 200
    refusal = _answered(referral)
    if not refusal and request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.withdraw_referral(referral=referral, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"Withdrew referral #{referral.pk}.")
            return redirect(referral_url(referral.pk))
    return _form_page(
        request,
        form,
        heading=f"Withdraw referral #{referral.pk}",
        submit="Withdraw referral",
        cancel_url=referral_url(referral.pk),
        crumbs=[
            ("Referrals", reverse("victims:referrals")),
            (f"#{referral.pk}", referral_url(referral.pk)),
        ],
        intro=f"{referral.provider.name} will no longer see this referral.",
        status=_status,
        danger=True,
        refusal=refusal,
    )


@login_required
def referral_close(request, pk: int):
    referral = _referral_for_provider(request, pk)
    form = forms.CloseReferralForm(request.POST or None)
    _status = 200
    refusal = (
        ""
        if referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
        else f"This referral is {referral.get_status_display().lower()}: only an accepted or "
        "declined referral is closed."
    )
    if not refusal and request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.close_referral(referral=referral, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"Closed referral #{referral.pk}.")
            return redirect(referral_url(referral.pk))
    return _form_page(
        request,
        form,
        heading=f"Close referral #{referral.pk}",
        submit="Close referral",
        cancel_url=referral_url(referral.pk),
        crumbs=[
            ("Referrals", reverse("victims:referrals")),
            (f"#{referral.pk}", referral_url(referral.pk)),
        ],
        status=_status,
        refusal=refusal,
    )


def _victim_prefill(victim: VictimWitness) -> dict:
    """What the referral form offers to share from the sender's record (the sender may clear
    any of it). The name is left for the sender to type: only what the person agreed to."""
    foreign = None
    if victim.citizenship != "unknown":
        foreign = victim.is_foreign_national
    return {
        "shared_age": victim.age_at_identification,
        "shared_gender": victim.gender,
        "shared_language": victim.primary_language_id,
        "interpreter_needed": victim.interpreter_needed,
        "trafficking_type": victim.trafficking_type,
        "foreign_national": forms.tri_state_value(foreign),
    }


def _suggestions(data, exclude):
    needs = forms.SuggestionForm(data).needs()
    ranked = bool(
        needs["services"]
        or needs["minor"] is not None
        or needs["gender"]
        or needs["trafficking_type"]
        or needs["foreign_national"] is not None
        or needs["language"]
    )
    return {
        "suggestions": selectors.suggest_providers(**needs, exclude=exclude) if ranked else [],
        "ranked": ranked,
    }


@member_required
def referral_create(request):
    agencies = _agencies(request)
    victim = None
    initial = {}
    if "victim" in request.GET:
        victim = access.get_visible(
            request.user,
            VictimWitness.objects.select_related("owner_agency", "primary_language"),
            pk=request.GET["victim"],
            # The suggestions refresh as the form is filled in: the page load is the read.
            audit_read=not _is_htmx(request),
        )
        agencies = [a for a in agencies if a.pk == victim.owner_agency_id]
        if not agencies:
            raise PermissionDenied("Refer only your own agency's victim record.")
        initial = _victim_prefill(victim)
    # A provider does not refer to itself; with one agency, leave it out of the ranking.
    exclude = agencies[0] if len(agencies) == 1 else None
    if _is_htmx(request) and request.method == "GET":
        return render(request, "victims/_suggestions.html", _suggestions(request.GET, exclude))
    form = forms.ReferralForm(request.POST or None, agencies=agencies, initial=initial)
    _group_services(form, "services_requested")
    _status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            agency = data.pop("agency", agencies[0])
            return services.send_referral(
                from_agency=agency, by=request.user, victim=victim, **data
            )

        referral, _status = submit_form(form, write)
        if referral is not None:
            messages.success(request, f"Sent the referral to {referral.provider.name}.")
            return redirect(referral_url(referral.pk))
    if request.method == "POST":
        suggestion_data = request.POST
    else:
        suggestion_data = {k: v for k, v in initial.items() if v not in (None, "")}
    back = victim_url(victim.pk, "referrals") if victim else reverse("victims:referrals")
    return _form_page(
        request,
        form,
        heading="Refer to a provider",
        submit="Send referral",
        cancel_url=back,
        crumbs=[("Referrals", reverse("victims:referrals"))],
        intro="The provider receives only what you fill in here, never your own record.",
        status=_status,
        template="victims/referral_form.html",
        victim=victim,
        action_url=request.get_full_path(),
        **_suggestions(suggestion_data, exclude),
    )


# --- releases of information ------------------------------------------------------------------


def consent_url(pk: int) -> str:
    return reverse("victims:consent-detail", args=[pk])


@login_required
@reauthentication_required
def consent_create(request, pk: int):
    client = _client_for_change(request, pk)
    provider = client.owner_agency
    if _is_htmx(request) and request.method == "GET":
        summary = forms.ConsentPreviewForm(request.GET, provider=provider).summary()
        return render(request, "victims/_consent_summary.html", {"summary": summary})
    today = timezone.localdate()
    form = forms.ConsentForm(
        request.POST or None,
        provider=provider,
        initial={
            "starts_on": today,
            "expires_on": today + dt.timedelta(days=services.MAX_CONSENT_DAYS),
        },
    )
    _status = 200
    preview = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and form.is_valid() and not preview:
        consent, _status = submit_form(
            form, lambda d: services.record_consent(client=client, by=request.user, **d)
        )
        if consent is not None:
            messages.success(request, f"Recorded the release to {consent.recipient.name}.")
            return redirect(consent_url(consent.pk))
    source = (
        request.POST
        if request.method == "POST"
        else {k: v for k, v in form.initial.items() if k in ("starts_on", "expires_on")}
    )
    return _form_page(
        request,
        form,
        heading=f"Record a release of information for {client.display_name}",
        submit="Record release",
        cancel_url=client_url(client.pk, "consents"),
        crumbs=_client_crumbs(client),
        intro="One recipient per release. The recipient sees exactly the items chosen, of this "
        "client only, from the start until the expiry or until the client revokes it.",
        status=_status,
        template="victims/consent_form.html",
        summary=forms.ConsentPreviewForm(source, provider=provider).summary(),
        client=client,
    )


@login_required
def consent_detail(request, pk: int):
    consent = access.get_visible(
        request.user,
        Consent.objects.select_related(
            "owner_agency", "recipient", "client", "language", "recorded_by", "revoked_by"
        ),
        pk=pk,
    )
    owner = selectors.is_release_owner(request.user, consent)
    context = {
        "consent": consent,
        "owner": owner,
        "item_labels": [ITEM_LABELS.get(i, i) for i in consent.items],
        "sections": release_sections(selectors.release_for(request.user, consent)),
        "may_revoke": owner
        and consent.state in ("live", "pending")
        and access.can(request.user, consent, "change"),
    }
    return render(request, "victims/consent_detail.html", context)


@login_required
def consent_revoke(request, pk: int):
    consent = access.get_visible(
        request.user,
        Consent.objects.select_related("owner_agency", "recipient", "client"),
        pk=pk,
        action="change",
    )
    form = forms.RevokeConsentForm(request.POST or None)
    _status = 200
    refusal = (
        f"This release is already {consent.state}."
        if consent.state in ("revoked", "expired")
        else ""
    )
    if not refusal and request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.revoke_consent(consent=consent, by=request.user, **d)
        )
        if done is not None:
            messages.success(
                request, f"Revoked the release: {consent.recipient.name} no longer sees it."
            )
            return redirect(consent_url(consent.pk))
    return _form_page(
        request,
        form,
        heading=f"Revoke the release to {consent.recipient.name}",
        submit="Revoke release",
        cancel_url=consent_url(consent.pk),
        crumbs=[
            *_client_crumbs(consent.client),
            (f"Release #{consent.pk}", consent_url(consent.pk)),
        ],
        intro="Revocation takes effect at once: the recipient loses access as soon as this is "
        "saved. Record how the client revoked it.",
        status=_status,
        danger=True,
        refusal=refusal,
    )


@login_required
def release_list(request):
    """Releases to my agency: live ones only, each with exactly the items it opens."""
    releases = (
        selectors.releases_to(request.user)
        .select_related("owner_agency", "recipient", "client")
        .order_by("-created_at", "-id")
    )
    context = _page(request, releases, RELEASES_PAGE_SIZE)
    rows = list(context["page"].object_list)
    released = selectors.releases_for(request.user, rows)
    context["rows"] = [(consent, release_sections(released[consent.pk])) for consent in rows]
    return render(request, "victims/releases.html", context)


# --- immigration relief -----------------------------------------------------------------------


def relief_url(pk: int) -> str:
    return reverse("victims:relief-detail", args=[pk])


@login_required
def relief_create(request):
    victim = client = None
    if "client" in request.GET:
        client = _client_for_change(request, request.GET["client"])
        person, back = client, client_url(client.pk, "relief")
        crumbs = _client_crumbs(client)
    elif "victim" in request.GET:
        victim = _victim_for_change(request, request.GET["victim"])
        person, back = victim, victim_url(victim.pk, "relief")
        crumbs = [
            ("Victims", reverse("victims:list")),
            (victim.display_name, victim_url(victim.pk)),
        ]
    else:
        raise Http404("Relief is recorded from a victim or client record.")
    if not selectors.may_see_immigration(request.user):
        raise PermissionDenied("You may not record immigration relief.")
    form = forms.ReliefForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    _status = 200
    if request.method == "POST" and form.is_valid():
        relief, _status = submit_form(
            form,
            lambda d: services.record_relief(by=request.user, victim=victim, client=client, **d),
        )
        if relief is not None:
            messages.success(request, f"Recorded the {relief.get_kind_display()}.")
            return redirect(relief_url(relief.pk))
    return _form_page(
        request,
        form,
        heading=f"Record immigration relief for {person.display_name}",
        submit="Record relief",
        cancel_url=back,
        crumbs=crumbs,
        intro="Immigration information is protected (8 U.S.C. 1367): it is never shown to "
        "partner systems, and reaches another agency only through a release or a share.",
        status=_status,
    )


def _relief_person(request, relief: ImmigrationRelief):
    """The victim or client the relief is for, when the user may open that record."""
    if relief.victim_id:
        found = selectors.victims_for(request.user).filter(pk=relief.victim_id).first()
        return found, victim_url(relief.victim_id) if found else ""
    found = selectors.clients_for(request.user).filter(pk=relief.client_id).first()
    return found, client_url(relief.client_id) if found else ""


@login_required
def relief_detail(request, pk: int):
    relief = access.get_visible(
        request.user,
        ImmigrationRelief.objects.select_related(
            "owner_agency", "certifying_agency", "recorded_by"
        ),
        pk=pk,
    )
    person, person_url = _relief_person(request, relief)
    context = {
        "relief": relief,
        "person": person,
        "person_url": person_url,
        "may_change": access.can(request.user, relief, "change"),
    }
    return render(request, "victims/relief_detail.html", context)


@login_required
def relief_edit(request, pk: int):
    relief = access.get_visible(
        request.user,
        ImmigrationRelief.objects.select_related("owner_agency", "victim", "client"),
        pk=pk,
        action="change",
    )
    form = forms.ReliefForm(request.POST or None, relief=relief)
    _status = 200
    if request.method == "POST" and form.is_valid():
        done, _status = submit_form(
            form, lambda d: services.update_relief(relief=relief, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the relief record.")
            return redirect(relief_url(relief.pk))
    return _form_page(
        request,
        form,
        heading=f"Edit the {relief.get_kind_display()}",
        submit="Save relief",
        cancel_url=relief_url(relief.pk),
        crumbs=[(f"Relief #{relief.pk}", relief_url(relief.pk))],
        status=_status,
    )
