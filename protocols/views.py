"""Browser pages of the task force's governance (charter, MOUs, protocols, decisions,
leadership, committees and meetings).

Every member in force reads every page; forms are for coordinators, named owners (a protocol's
or an objective's) and, for signatures, an agency's supervisors. Thin views: reads through
``protocols.selectors``, writes through ``protocols.services``. An unknown id is a 404; a form
the user may not use, a 403 (GET and POST alike); a step the record's state does not allow, a
409 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies.models import Agency
from agencies.views import member_required
from protocols import forms, selectors, services
from protocols.documents import serve as _serve
from protocols.models import (
    Committee,
    Decision,
    LeadershipRole,
    Meeting,
    Mou,
    MouStatus,
    MouVersion,
    Protocol,
)
from taskforce.errors import InvalidTransition
from taskforce.pages import form_page, submit_form

PAGE_SIZE = 25


# --- helpers ----------------------------------------------------------------------------------


def _coordinator(request) -> None:
    if not selectors.may_coordinate(request.user):
        raise PermissionDenied("Only coordinators do this.")


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)}


def _form_page(request, form, *, back, upload=False, crumbs=(), **page):
    return form_page(
        request,
        "protocols/form.html",
        form,
        cancel_url=back,
        crumbs=crumbs,
        multipart=upload,
        **page,
    )


def _step(request, step: Callable[[], object], *, success: str, back: str):
    """A one-button step (POST): a message and back, or 409 with the reason."""
    try:
        step()
    except InvalidTransition as error:
        return _refused(request, str(error), back)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, success)
    return redirect(back)


def _require_state(mou: Mou, *states: str) -> str:
    """A refusal message when ``mou`` is not in one of ``states`` (shown with 409)."""
    if mou.status in states:
        return ""
    return f"Not possible now: this MOU is {mou.get_status_display().lower()}."


def _refused(request, message: str, back: str):
    context = {"message": message, "back_url": back}
    return render(request, "protocols/conflict.html", context, status=409)


# --- charter ----------------------------------------------------------------------------------


@member_required
def charter(request):
    context = {
        "charter": selectors.charter(),
        "goals": selectors.charter_goals(request.user),
        "may_coordinate": selectors.may_coordinate(request.user),
        "user_id": request.user.pk,
        "mous_in_force": selectors.mous(request.user, status=MouStatus.EXECUTED).count(),
        "protocols_due": selectors.protocols(request.user, due_for_review=True).count(),
    }
    return render(request, "protocols/charter.html", context)


@member_required
def charter_edit(request):
    _coordinator(request)
    current = selectors.charter()
    initial = (
        {"mission": current.mission, "purpose": current.purpose, "adopted_on": current.adopted_on}
        if current
        else {}
    )
    form = forms.CharterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(form, lambda d: services.set_charter(by=request.user, **d))
        if done is not None:
            messages.success(request, "Saved the charter.")
            return redirect("protocols:charter")
    return _form_page(
        request, form, heading="Mission and purpose", submit="Save charter",
        back=reverse("protocols:charter"),
    )  # fmt: skip


@member_required
def goal_create(request):
    _coordinator(request)
    form = forms.GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(form, lambda d: services.add_goal(by=request.user, **d))
        if done is not None:
            messages.success(request, f"Added the goal “{done.title}”.")
            return redirect("protocols:charter")
    return _form_page(
        request, form, heading="Add a goal", submit="Add goal", back=reverse("protocols:charter")
    )


@member_required
def objective_create(request, pk: int):
    goal = get_object_or_404(selectors.goals(request.user), pk=pk)
    _coordinator(request)
    form = forms.ObjectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(
            form, lambda d: services.add_objective(by=request.user, goal=goal, **d)
        )
        if done is not None:
            messages.success(request, f"Added the objective “{done.title}”.")
            return redirect("protocols:charter")
    return _form_page(
        request, form, heading=f"Add an objective to “{goal.title}”", submit="Add objective",
        back=reverse("protocols:charter"),
    )  # fmt: skip


@member_required
def objective_progress(request, pk: int):
    objective = get_object_or_404(selectors.objectives(request.user), pk=pk)
    if not selectors.may_report_on(request.user, objective):
        raise PermissionDenied("Only the objective's owner or a coordinator reports progress.")
    form = forms.ProgressForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.record_progress(objective=objective, by=request.user, **d),
        )
        if done is not None:
            messages.success(request, f"Recorded progress on “{objective.title}”.")
            return redirect("protocols:charter")
    history = objective.progress.select_related("recorded_by")[:12]
    intro = f"Target: {objective.target_value} {objective.measure} by {objective.target_date}."
    if history:
        intro += " Latest: " + ", ".join(f"{e.value} on {e.recorded_on}" for e in history[:5])
    return _form_page(
        request, form, heading=f"Progress on “{objective.title}”", submit="Record progress",
        back=reverse("protocols:charter"), intro=intro, status=status,
    )  # fmt: skip


# --- MOUs -------------------------------------------------------------------------------------


def _mou(request, pk: int) -> Mou:
    return get_object_or_404(selectors.mou_with_parts(selectors.mous(request.user)), pk=pk)


def _mou_url(mou) -> str:
    return reverse("protocols:mou-detail", args=[mou.pk])


@member_required
def mou_list(request):
    form = forms.MouFilterForm(request.GET)
    if form.is_valid():
        mous = selectors.mous(request.user, search=form.cleaned_data["q"],
                              status=form.cleaned_data["status"])  # fmt: skip
    else:
        mous = Mou.objects.none()
    context = {"form": form, "may_coordinate": selectors.may_coordinate(request.user)}
    context.update(_page(request, mous.order_by("-created_at", "-id")))
    return render(request, "protocols/mou_list.html", context)


@member_required
def mou_detail(request, pk: int):
    mou = _mou(request, pk)
    signable = [
        agency
        for signatory, signature in selectors.signature_table(mou)
        if signature is None
        and (agency := signatory.agency)
        and selectors.signing_memberships(request.user, agency).exists()
    ]
    context = {
        "mou": mou,
        "signatures": selectors.signature_table(mou),
        "versions": list(mou.versions.all()),
        "may_coordinate": selectors.may_coordinate(request.user),
        "may_sign": mou.status == MouStatus.CIRCULATING and bool(signable),
        "decisions": mou.decisions.order_by("-decided_on", "-id"),
    }
    return render(request, "protocols/mou_detail.html", context)


@member_required
def mou_create(request):
    _coordinator(request)
    form = forms.MouForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = dict(data)
            agencies = data.pop("signatories")
            return services.create_mou(
                by=request.user, signatories=[{"agency": a} for a in agencies], **data
            )

        done, _ = submit_form(form, write)
        if done is not None:
            messages.success(request, f"Drafted the MOU “{done.title}”.")
            return redirect(_mou_url(done))
    return _form_page(
        request, form, heading="Draft an MOU", submit="Save draft",
        back=reverse("protocols:mou-list"),
    )  # fmt: skip


@member_required
def mou_edit(request, pk: int):
    mou = _mou(request, pk)
    _coordinator(request)
    if refusal := _require_state(mou, MouStatus.DRAFT):
        return _refused(request, refusal, _mou_url(mou))
    initial = {f: getattr(mou, f) for f in services.MOU_FIELDS}
    form = forms.MouForm(request.POST or None, initial=initial, with_signatories=False)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.update_mou(mou=mou, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the MOU.")
            return redirect(_mou_url(mou))
    return _form_page(
        request, form, heading=f"Edit “{mou.title}”", submit="Save", back=_mou_url(mou),
        status=status,
    )  # fmt: skip


@member_required
def mou_signatory(request, pk: int):
    """Add a signatory agency, or rewrite an existing one's commitments (drafts only)."""
    mou = _mou(request, pk)
    _coordinator(request)
    if refusal := _require_state(mou, MouStatus.DRAFT):
        return _refused(request, refusal, _mou_url(mou))
    # "Edit commitments" links name the agency: its current commitments fill the form.
    wanted = request.GET.get("agency")
    chosen = next((s for s in mou.signatories.all() if str(s.agency_id) == wanted), None)
    initial = (
        {"agency": chosen.agency_id, **{f: getattr(chosen, f) for f in services.COMMITMENT_FIELDS}}
        if chosen
        else {}
    )
    form = forms.SignatoryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            specs = [
                {"agency": s.agency, **{f: getattr(s, f) for f in services.COMMITMENT_FIELDS}}
                for s in mou.signatories.all()
                if s.agency_id != data["agency"].pk
            ]
            return services.update_mou(mou=mou, by=request.user, signatories=[*specs, data])

        done, status = submit_form(form, write)
        if done is not None:
            messages.success(request, f"Saved the commitments of {form.cleaned_data['agency']}.")
            return redirect(_mou_url(mou))
    return _form_page(
        request, form, heading=f"Signatory and commitments — {mou.title}",
        submit="Save signatory", back=_mou_url(mou), status=status,
        intro="Each agency commits within its normal capacity.",
    )  # fmt: skip


@require_POST
@member_required
def mou_circulate(request, pk: int):
    mou = _mou(request, pk)
    _coordinator(request)
    return _step(
        request,
        lambda: services.circulate_mou(mou=mou, by=request.user),
        success="The MOU is circulating for signature.",
        back=_mou_url(mou),
    )


@member_required
def mou_sign(request, pk: int):
    mou = _mou(request, pk)
    agencies = Agency.objects.filter(
        pk__in=[
            s.agency_id
            for s in mou.signatories.all()
            if selectors.signing_memberships(request.user, s.agency).exists()
        ]
    )
    if not agencies:
        raise PermissionDenied("Only a supervisor or coordinator of a signatory agency signs.")
    if refusal := _require_state(mou, MouStatus.CIRCULATING):
        return _refused(request, refusal, _mou_url(mou))
    title = next((m.title for m in selectors.signing_memberships(request.user, agencies[0])), "")
    form = forms.SignForm(
        request.POST or None,
        agencies=agencies,
        initial={"agency": agencies[0].pk, "signer_title": title},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(form, lambda d: services.sign_mou(mou=mou, by=request.user, **d))
        if done is not None:
            mou.refresh_from_db()
            note = " Every signatory has signed: the MOU is executed." if (
                mou.status == MouStatus.EXECUTED) else ""  # fmt: skip
            messages.success(request, f"Signed for {form.cleaned_data['agency']}.{note}")
            return redirect(_mou_url(mou))
    return _form_page(
        request, form, heading=f"Sign “{mou.title}”", submit="Sign MOU", back=_mou_url(mou),
        status=status, intro=mou.purpose,
    )  # fmt: skip


@member_required
def mou_terminate(request, pk: int):
    mou = _mou(request, pk)
    _coordinator(request)
    if refusal := _require_state(mou, MouStatus.DRAFT, MouStatus.CIRCULATING, MouStatus.EXECUTED):
        return _refused(request, refusal, _mou_url(mou))
    form = forms.TerminateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.terminate_mou(mou=mou, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "The MOU is terminated.")
            return redirect(_mou_url(mou))
    return _form_page(
        request, form, heading=f"Terminate “{mou.title}”", submit="Terminate MOU",
        back=_mou_url(mou), status=status,
    )  # fmt: skip


@member_required
def mou_renew(request, pk: int):
    mou = _mou(request, pk)
    _coordinator(request)
    if refusal := _require_state(mou, MouStatus.EXECUTED, MouStatus.EXPIRED):
        return _refused(request, refusal, _mou_url(mou))
    form = forms.RenewForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.renew_mou(mou=mou, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, f"Started version {done.number} as a draft.")
            return redirect(_mou_url(mou))
    return _form_page(
        request, form, heading=f"Renew “{mou.title}”", submit="Start new version",
        back=_mou_url(mou), status=status,
    )  # fmt: skip


@member_required
def mou_upload(request, pk: int):
    mou = _mou(request, pk)
    _coordinator(request)
    if refusal := _require_state(mou, MouStatus.DRAFT):
        return _refused(request, refusal, _mou_url(mou))
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.upload_mou_document(mou=mou, by=request.user, upload=d["document"]),
        )
        if done is not None:
            messages.success(request, f"Attached {done.document_name}.")
            return redirect(_mou_url(mou))
    return _form_page(
        request, form, heading=f"Document of “{mou.title}”", submit="Upload",
        back=_mou_url(mou), status=status, upload=True,
    )  # fmt: skip


@member_required
def mou_document(request, pk: int):
    """A version's document, to members only (there is no public URL for it)."""
    version = get_object_or_404(MouVersion.objects.filter(mou__in=selectors.mous(request.user)),
                                pk=pk)  # fmt: skip
    return _serve(version)


# --- protocols --------------------------------------------------------------------------------


def _protocol(request, pk: int) -> Protocol:
    return get_object_or_404(selectors.protocols(request.user), pk=pk)


def _protocol_for_change(request, pk: int) -> Protocol:
    protocol = _protocol(request, pk)
    if not selectors.may_change_protocol(request.user, protocol):
        raise PermissionDenied("Only the protocol's owner or a coordinator changes it.")
    return protocol


def _protocol_url(protocol) -> str:
    return reverse("protocols:protocol-detail", args=[protocol.pk])


@member_required
def protocol_list(request):
    form = forms.ProtocolFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        protocols = selectors.protocols(
            request.user, search=data["q"], topic=data["topic"], status=data["status"],
            due_for_review=data["due"],
        )  # fmt: skip
    else:
        protocols = Protocol.objects.none()
    context = {
        "form": form,
        "may_coordinate": selectors.may_coordinate(request.user),
        "review_by": timezone.localdate() + selectors.REVIEW_SOON,
    }
    context.update(_page(request, protocols.order_by("-created_at", "-id")))
    return render(request, "protocols/protocol_list.html", context)


@member_required
def protocol_detail(request, pk: int):
    protocol = _protocol(request, pk)
    context = {
        "protocol": protocol,
        "versions": protocol.versions.select_related("created_by").order_by("-number"),
        "decisions": Decision.objects.filter(adopted_protocol_version__protocol=protocol)
        .select_related("adopted_protocol_version")
        .order_by("-decided_on", "-id"),
        "may_change": selectors.may_change_protocol(request.user, protocol),
        "may_coordinate": selectors.may_coordinate(request.user),
        "due": protocol.review_date <= timezone.localdate() + selectors.REVIEW_SOON,
    }
    return render(request, "protocols/protocol_detail.html", context)


@member_required
def protocol_create(request):
    _coordinator(request)
    form = forms.NewProtocolForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(form, lambda d: services.create_protocol(by=request.user, **d))
        if done is not None:
            messages.success(request, f"Started the protocol “{done.title}”.")
            return redirect(_protocol_url(done))
    return _form_page(
        request, form, heading="Start a protocol", submit="Save draft",
        back=reverse("protocols:protocol-list"), upload=True,
    )  # fmt: skip


@member_required
def protocol_edit(request, pk: int):
    protocol = _protocol_for_change(request, pk)
    initial = {
        "title": protocol.title,
        "topic": protocol.topic_id,
        "owner": protocol.owner.username,
        "review_date": protocol.review_date,
    }
    form = forms.ProtocolForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.update_protocol(protocol=protocol, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the protocol.")
            return redirect(_protocol_url(protocol))
    return _form_page(
        request, form, heading=f"Edit “{protocol.title}”", submit="Save",
        back=_protocol_url(protocol), status=status,
    )  # fmt: skip


@member_required
def protocol_version_create(request, pk: int):
    protocol = _protocol_for_change(request, pk)
    latest = protocol.versions.order_by("-number").first()
    form = forms.ProtocolVersionForm(
        request.POST or None, request.FILES or None, initial={"text": latest.text if latest else ""}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form,
            lambda d: services.add_protocol_version(protocol=protocol, by=request.user, **d),
        )
        if done is not None:
            messages.success(request, f"Proposed version {done.number}; a decision adopts it.")
            return redirect(_protocol_url(protocol))
    return _form_page(
        request, form, heading=f"New version of “{protocol.title}”", submit="Propose version",
        back=_protocol_url(protocol), status=status, upload=True,
        intro="A version takes effect only when a decision in the decision log adopts it.",
    )  # fmt: skip


@require_POST
@member_required
def protocol_retire(request, pk: int):
    protocol = _protocol_for_change(request, pk)
    return _step(
        request,
        lambda: services.retire_protocol(protocol=protocol, by=request.user),
        success=f"Retired “{protocol.title}”.",
        back=_protocol_url(protocol),
    )


@member_required
def protocol_document(request, pk: int):
    return _serve(get_object_or_404(selectors.protocol_versions(request.user), pk=pk))


# --- decisions --------------------------------------------------------------------------------


@member_required
def decision_list(request):
    form = forms.DecisionFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        decisions = selectors.decisions(
            request.user, search=data["q"], method=data["method"], current=data["current"]
        )
    else:
        decisions = Decision.objects.none()
    context = {"form": form, "may_coordinate": selectors.may_coordinate(request.user)}
    context.update(_page(request, decisions.order_by("-decided_on", "-id")))
    return render(request, "protocols/decision_list.html", context)


@member_required
def decision_detail(request, pk: int):
    decision = get_object_or_404(selectors.decisions(request.user), pk=pk)
    return render(request, "protocols/decision_detail.html", {"decision": decision})


@member_required
def decision_create(request):
    _coordinator(request)
    form = forms.DecisionForm(
        request.POST or None, initial={**request.GET.dict(), "decided_on": timezone.localdate()}
    )
    status = 200
    if request.method == "POST" and form.is_valid():

        def write(data):
            data = {k: v for k, v in data.items() if not k.startswith("vote_")}
            return services.record_decision(by=request.user, votes=form.votes(), **data)

        done, status = submit_form(form, write)
        if done is not None:
            messages.success(request, "Recorded the decision.")
            return redirect("protocols:decision-detail", pk=done.pk)
    return render(
        request,
        "protocols/decision_form.html",
        {"form": form, "cancel_url": reverse("protocols:decision-list")},
        status=status,
    )


# --- leadership, committees, meetings -------------------------------------------------------


@member_required
def leadership(request):
    role = request.GET.get("role", "")
    if role not in LeadershipRole.values:
        role = ""
    current = request.GET.get("all") != "1"
    terms = selectors.leadership_terms(request.user, role=role, current=current).order_by(
        "-created_at", "-id"
    )
    context = {
        "roles": LeadershipRole.choices,
        "role": role,
        "current": current,
        "committees": selectors.committees(request.user).order_by("name", "id"),
        "may_coordinate": selectors.may_coordinate(request.user),
    }
    context.update(_page(request, terms))
    return render(request, "protocols/leadership.html", context)


@member_required
def term_create(request):
    _coordinator(request)
    form = forms.TermForm(request.POST or None, initial={"starts": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(form, lambda d: services.start_term(by=request.user, **d))
        if done is not None:
            messages.success(request, f"Appointed: {done.get_role_display()}.")
            return redirect("protocols:leadership")
    return _form_page(
        request, form, heading="Appoint to a leadership role", submit="Appoint",
        back=reverse("protocols:leadership"),
        intro="Typology leads are agencies (one per trafficking type, age and citizenship); "
        "other roles are people.",
    )  # fmt: skip


@require_POST
@member_required
def term_end(request, pk: int):
    term = get_object_or_404(selectors.leadership_terms(request.user), pk=pk)
    _coordinator(request)
    return _step(
        request,
        lambda: services.end_term(term=term, by=request.user),
        success=f"Ended the term: {term.get_role_display()}.",
        back=reverse("protocols:leadership"),
    )


@member_required
def committee_create(request):
    _coordinator(request)
    form = forms.CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(form, lambda d: services.create_committee(by=request.user, **d))
        if done is not None:
            messages.success(request, f"Formed the {done.name} committee.")
            return redirect("protocols:committee-detail", pk=done.pk)
    return _form_page(
        request, form, heading="Form a committee", submit="Form committee",
        back=reverse("protocols:leadership"),
    )  # fmt: skip


def _committee(request, pk: int) -> Committee:
    return get_object_or_404(
        selectors.committee_with_members(selectors.committees(request.user)), pk=pk
    )


@member_required
def committee_detail(request, pk: int):
    committee = _committee(request, pk)
    context = {
        "committee": committee,
        "chairs": selectors.leadership_terms(
            request.user, role=LeadershipRole.COMMITTEE_CHAIR, current=True
        ).filter(committee=committee),
        "meetings": selectors.meetings(request.user, committee=committee.pk).order_by(
            "-held_at", "-id"
        )[:10],
        "may_coordinate": selectors.may_coordinate(request.user),
    }
    return render(request, "protocols/committee_detail.html", context)


@member_required
def committee_member_add(request, pk: int):
    committee = _committee(request, pk)
    _coordinator(request)
    form = forms.CommitteeMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(
            form,
            lambda d: services.add_committee_member(committee=committee, by=request.user, **d),
        )
        if done is not None:
            messages.success(request, f"Added {done.user.username} to the committee.")
            return redirect("protocols:committee-detail", pk=committee.pk)
    return _form_page(
        request, form, heading=f"Add a member to {committee.name}", submit="Add member",
        back=reverse("protocols:committee-detail", args=[committee.pk]),
    )  # fmt: skip


@member_required
def meeting_list(request):
    form = forms.MeetingFilterForm(request.GET)
    if form.is_valid():
        committee = form.cleaned_data["committee"]
        meetings = selectors.meetings(
            request.user,
            search=form.cleaned_data["q"],
            committee=committee.pk if committee else None,
        )
    else:
        meetings = Meeting.objects.none()
    context = {"form": form, "may_coordinate": selectors.may_coordinate(request.user)}
    context.update(_page(request, meetings.order_by("-held_at", "-id")))
    return render(request, "protocols/meeting_list.html", context)


@member_required
def meeting_create(request):
    _coordinator(request)
    form = forms.MeetingForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        done, _ = submit_form(form, lambda d: services.schedule_meeting(by=request.user, **d))
        if done is not None:
            messages.success(request, f"Scheduled “{done.title}”.")
            return redirect("protocols:meeting-detail", pk=done.pk)
    return _form_page(
        request, form, heading="Schedule a meeting", submit="Schedule",
        back=reverse("protocols:meeting-list"),
    )  # fmt: skip


def _meeting(request, pk: int) -> Meeting:
    return get_object_or_404(selectors.meetings(request.user), pk=pk)


@member_required
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "attendance": meeting.attendance.select_related("user", "agency").order_by(
            "agency__name", "user__username"
        ),
        "may_coordinate": selectors.may_coordinate(request.user),
        "held": meeting.held_at <= timezone.now(),
    }
    return render(request, "protocols/meeting_detail.html", context)


@member_required
def meeting_minutes(request, pk: int):
    meeting = _meeting(request, pk)
    _coordinator(request)
    back = reverse("protocols:meeting-detail", args=[meeting.pk])
    if meeting.held_at > timezone.now():
        return _refused(request, "Minutes are kept after the meeting has taken place.", back)
    present = ", ".join(meeting.attendance.values_list("user__username", flat=True))
    form = forms.MinutesForm(
        request.POST or None,
        initial={"agenda": meeting.agenda, "minutes": meeting.minutes, "attendees": present},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = submit_form(
            form, lambda d: services.record_minutes(meeting=meeting, by=request.user, **d)
        )
        if done is not None:
            messages.success(request, "Saved the minutes.")
            return redirect(back)
    return _form_page(
        request, form, heading=f"Minutes of “{meeting.title}”", submit="Save minutes",
        back=back, status=status,
    )  # fmt: skip
