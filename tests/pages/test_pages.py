"""The browser pages of the shell: who gets which page, what each shows, and that bad input
is shown next to its field and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies import services
from agencies.models import Agency, Language, Membership, Population, ServiceType
from agencies.roles import Discipline, JurisdictionLevel, Role
from taskforce import audit
from taskforce.context_processors import taskforce as taskforce_context
from taskforce.models import AuditAction, AuditEvent, AuditOutcome
from tests.factories import PASSWORD, UserFactory, make_agency

User = get_user_model()

DIRECTORY = reverse("agencies:directory")
CREATE = reverse("agencies:create")
AUDIT = reverse("audit-log")


def html(response) -> str:
    return response.content.decode()


def directory_rows(response) -> int:
    return html(response).count('<th scope="row"><a href="/agencies/')


def deactivate(agency: Agency) -> Agency:
    return services.update_agency(agency=agency, by=None, active=False)


# --- Login, logout and the shell --------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_has_labelled_fields_and_system_use_notice(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    page = html(response)
    assert '<label class="form-label" for="id_username">' in page
    assert '<label class="form-label" for="id_password">' in page
    assert "Authorized use only." in page
    assert "audited" in page


def test_wrong_password_shows_an_error_and_no_session(client, world):
    response = client.post(
        reverse("login"),
        {"username": "investigator_a", "password": "not-the-password", "acknowledge": "on"},
    )
    assert response.status_code == 200
    assert 'id="login-errors"' in html(response)
    assert "_auth_user_id" not in client.session


def test_empty_login_shows_errors_next_to_fields(client, world):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    page = html(response)
    assert 'id="id_username_error"' in page
    assert 'aria-describedby="id_username_error"' in page
    assert 'id="id_password_error"' in page


def test_login_form_signs_in_and_logout_returns_to_login(client, world):
    response = client.post(
        reverse("login"), {"username": "investigator_a", "password": PASSWORD, "acknowledge": "on"}
    )
    assert response.status_code == 302
    # The password is the first of two steps (tests/security/test_signin.py has the second).
    assert response.url == f"{reverse('two-factor')}?next=%2F"
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_header_shows_acting_agency_role_badge_and_logout(world, browser_client):
    page = html(browser_client(world.investigator_a).get(reverse("home")))
    assert "Alpha City Police Department · Investigator" in page
    assert 'id="notifications-badge"' in page
    assert f'action="{reverse("logout")}"' in page
    assert 'id="main" tabindex="-1"' in page
    assert 'class="skip-link" href="#main"' in page
    # No audit log link for a non-coordinator.
    assert f'href="{AUDIT}"' not in page


def test_header_marks_coordinators_and_links_the_audit_log(world, browser_client):
    page = html(browser_client(world.coordinator).get(reverse("home")))
    assert "Task Force Office · Member · Coordinator" in page
    assert f'href="{AUDIT}"' in page


def test_shell_context_costs_at_most_two_queries(world):
    request = RequestFactory().get("/")
    request.user = world.coordinator
    with CaptureQueriesContext(connection) as queries:
        context = taskforce_context(request)
        # A second use in the same request is free.
        taskforce_context(request)
    assert len(queries.captured_queries) <= 2
    assert context["acting_membership"].agency == world.office
    assert context["user_is_coordinator"] is True


def _no_inline_code(page: str) -> None:
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None


@pytest.mark.parametrize(
    ("url_name", "agency"),
    [
        ("home", None),
        ("agencies:directory", None),
        ("agencies:create", None),
        ("agencies:detail", "le_a"),
        ("agencies:edit", "le_a"),
        ("agencies:membership-create", "le_a"),
        ("audit-log", None),
    ],
)
def test_pages_need_no_inline_script_or_style(world, browser_client, url_name, agency):
    args = [world.agencies[agency].pk] if agency else []
    response = browser_client(world.coordinator).get(reverse(url_name, args=args))
    assert response.status_code == 200
    _no_inline_code(html(response))


@pytest.mark.django_db
def test_login_page_needs_no_inline_script_or_style(client):
    _no_inline_code(html(client.get(reverse("login"))))


# --- Home pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        ("coordinator", ["home-coordinator", "Add agency"], ["my-cases", "trainings"]),
        ("investigator_a", ["my-cases", "home-deadlines"], ["home-coordinator"]),
        ("le_supervisor_a", ["my-cases"], ["referral-inbox"]),
        ("le_victim_specialist_a", ["my-cases"], ["my-prosecutions"]),
        ("prosecutor", ["my-prosecutions", "court-calendar"], ["my-cases"]),
        ("vw_coordinator", ["my-prosecutions", "court-calendar"], ["referral-inbox"]),
        ("advocate_a", ["referral-inbox", "clients", "home-deadlines"], ["my-cases"]),
        ("vsp_supervisor_a", ["referral-inbox"], ["court-calendar"]),
        ("community_member", ["trainings", "outreach"], ["my-cases", "home-coordinator"]),
    ],
)
def test_home_page_follows_the_role(world, browser_client, persona, present, absent):
    response = browser_client(world.users[persona]).get(reverse("home"))
    assert response.status_code == 200
    page = html(response)
    for marker in present:
        assert marker in page
    for marker in absent:
        assert f'id="{marker}"' not in page


def test_coordinator_home_counts_agencies_by_discipline(world, browser_client):
    deactivate(world.le_b)
    page = html(browser_client(world.coordinator).get(reverse("home")))
    # Active agencies only: le_a (le_b is inactive).
    assert re.search(r"Law enforcement</th><td[^>]*>1</td>", page)
    assert re.search(r"Victim services</th><td[^>]*>2</td>", page)
    assert re.search(r"Total</th><td[^>]*>6</td>", page)


@pytest.mark.parametrize("persona", ["outsider", "ended_member"])
def test_home_without_membership_says_so_and_shows_nothing_else(world, browser_client, persona):
    response = browser_client(world.users[persona]).get(reverse("home"))
    assert response.status_code == 200
    page = html(response)
    assert "You have no active membership" in page
    assert f'href="{DIRECTORY}"' not in page
    assert "admin/" not in page
    assert "Alpha City" not in page


def test_superuser_without_membership_gets_a_link_to_administration(world, browser_client):
    page = html(browser_client(world.admin).get(reverse("home")))
    assert "You have no active membership" in page
    assert 'href="/admin/"' in page


def test_home_needs_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Directory ----------------------------------------------------------------------------------


def test_directory_lists_active_agencies_with_their_details(world, browser_client):
    spanish = Language.objects.get(code="es")
    services.update_agency(
        agency=world.vsp_a,
        by=None,
        city="Springfield",
        phone="555-0100",
        public_contact_name="Intake desk",
        public_contact_email="intake@example.org",
        languages=[spanish],
    )
    deactivate(world.le_b)
    response = browser_client(world.advocate_b).get(DIRECTORY)
    assert response.status_code == 200
    page = html(response)
    assert directory_rows(response) == 6
    assert "Beta County Sheriff" not in page
    for text in ("Springfield", "555-0100", "Intake desk", "intake@example.org", "Spanish"):
        assert text in page
    assert "<caption" in page
    assert 'scope="col"' in page
    # Only coordinators are offered "Add agency".
    assert f'href="{CREATE}"' not in page


def test_directory_search_and_filters(world, browser_client):
    client = browser_client(world.investigator_a)
    labor = Population.objects.get(code="labor-trafficking")
    shelter = ServiceType.objects.get(code="housing-emergency-shelter")
    korean = Language.objects.get(code="ko")
    services.update_agency(
        agency=world.vsp_b, by=None, populations_served=[labor], languages=[korean]
    )
    services.update_agency(agency=world.vsp_a, by=None, services_offered=[shelter])

    def names(params):
        page = html(client.get(DIRECTORY, params))
        return set(re.findall(r'<th scope="row"><a href="/agencies/\d+/">([^<]+)</a>', page))

    assert names({"q": "gamma"}) == {"Gamma County District Attorney"}
    assert names({"q": "BCSO"}) == {"Beta County Sheriff"}
    assert names({"discipline": Discipline.VICTIM_SERVICES}) == {
        "Delta Survivor Services",
        "Epsilon Legal Aid",
    }
    assert names({"jurisdiction_level": JurisdictionLevel.STATE}) == {
        "Epsilon Legal Aid",
        "Task Force Office",
    }
    assert names({"service": "housing-emergency-shelter"}) == {"Delta Survivor Services"}
    assert names({"population": "labor-trafficking"}) == {"Epsilon Legal Aid"}
    assert names({"language": "ko"}) == {"Epsilon Legal Aid"}
    assert names({"q": "no such agency"}) == set()


def test_directory_refuses_an_unknown_filter_value_next_to_the_field(world, browser_client):
    response = browser_client(world.investigator_a).get(DIRECTORY, {"discipline": "pirates"})
    assert response.status_code == 200
    page = html(response)
    assert 'id="id_discipline_error"' in page
    assert directory_rows(response) == 0


def test_directory_sorts_by_name_both_ways(world, browser_client):
    client = browser_client(world.investigator_a)
    ascending = re.findall(
        r'<th scope="row"><a href="/agencies/\d+/">([^<]+)</a>', html(client.get(DIRECTORY))
    )
    descending = re.findall(
        r'<th scope="row"><a href="/agencies/\d+/">([^<]+)</a>',
        html(client.get(DIRECTORY, {"sort": "-name"})),
    )
    assert ascending == sorted(ascending)
    assert descending == list(reversed(ascending))


def test_directory_paginates_25_a_page_keeping_the_filters(world, browser_client):
    for n in range(30):
        make_agency(f"Omega Outreach {n:02}", Discipline.COMMUNITY)
    client = browser_client(world.investigator_a)
    first = client.get(DIRECTORY, {"discipline": Discipline.COMMUNITY})
    assert directory_rows(first) == 25
    assert "discipline=community&amp;page=2" in html(first)
    second = client.get(DIRECTORY, {"discipline": Discipline.COMMUNITY, "page": 2})
    # 30 Omega agencies and the Zeta coalition.
    assert directory_rows(second) == 6


def test_directory_query_count_does_not_grow_with_the_page(
    world, browser_client, django_assert_max_num_queries
):
    client = browser_client(world.coordinator)
    languages = list(Language.objects.all()[:3])
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(DIRECTORY, {"q": "Alpha City"})
    assert directory_rows(response) == 1
    for n in range(30):
        make_agency(f"Sigma Agency {n:02}", languages=languages)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(DIRECTORY)
    assert directory_rows(response) == 25


def test_directory_htmx_request_gets_only_the_results(world, browser_client):
    response = browser_client(world.investigator_a).get(
        DIRECTORY, {"q": "alpha"}, headers={"HX-Request": "true"}
    )
    page = html(response)
    assert page.lstrip().startswith('<div id="directory-results">')
    assert "<html" not in page
    assert directory_rows(response) == 1


@pytest.mark.parametrize("persona", ["outsider", "ended_member", "admin"])
def test_directory_needs_a_membership_in_force(world, browser_client, persona):
    assert browser_client(world.users[persona]).get(DIRECTORY).status_code == 403


# --- Agency detail ------------------------------------------------------------------------------


def test_detail_shows_profile_and_capabilities_grouped_by_voca_category(world, browser_client):
    services.update_agency(
        agency=world.vsp_a,
        by=None,
        hours="Mon-Fri 8:00-17:00",
        after_hours_contact="Hotline 555-0199",
        services_offered=ServiceType.objects.filter(
            code__in=["housing-emergency-shelter", "information-referral"]
        ),
        populations_served=Population.objects.filter(code="minors"),
        languages=Language.objects.filter(code="vi"),
    )
    response = browser_client(world.investigator_b).get(
        reverse("agencies:detail", args=[world.vsp_a.pk])
    )
    assert response.status_code == 200
    page = html(response)
    for text in (
        "Mon-Fri 8:00-17:00",
        "Hotline 555-0199",
        "A. Information &amp; referral",
        "D. Shelter / housing services",
        "Housing: emergency shelter",
        "Minors",
        "Vietnamese",
    ):
        assert text in page
    assert page.index("A. Information") < page.index("D. Shelter")


def test_roster_is_shown_to_own_agency_members_and_coordinators_only(world, browser_client):
    url = reverse("agencies:detail", args=[world.le_a.pk])
    own = html(browser_client(world.investigator_a).get(url))
    assert 'id="roster-table"' in own
    assert "le_supervisor_a" in own
    coordinator = html(browser_client(world.coordinator).get(url))
    assert 'id="roster-table"' in coordinator
    assert "ended_member" in coordinator
    other = html(browser_client(world.investigator_b).get(url))
    assert 'id="roster-table"' not in other
    assert "le_supervisor_a" not in other


def test_inactive_agency_is_a_404_except_to_coordinators(world, browser_client):
    deactivate(world.community)
    url = reverse("agencies:detail", args=[world.community.pk])
    response = browser_client(world.investigator_a).get(url)
    assert response.status_code == 404
    assert "Page not found" in html(response)
    assert "Zeta Community Coalition" not in html(response)
    coordinator = browser_client(world.coordinator).get(url)
    assert coordinator.status_code == 200
    assert "Inactive" in html(coordinator)


def test_unknown_agency_is_a_404(world, browser_client):
    client = browser_client(world.coordinator)
    assert client.get(reverse("agencies:detail", args=[999999])).status_code == 404
    assert client.get("/agencies/99999999999999999999999/").status_code == 404


# --- Agency forms -------------------------------------------------------------------------------


def _agency_post(**overrides):
    data = {
        "name": "Kappa Refugee Services",
        "acronym": "KRS",
        "discipline": Discipline.VICTIM_SERVICES,
        "jurisdiction_level": JurisdictionLevel.LOCAL,
        "city": "Riverton",
        "state": "tx",
        "public_contact_email": "help@kappa.example.org",
        "services_offered": [ServiceType.objects.get(code="legal-immigration").pk],
        "populations_served": [Population.objects.get(code="foreign-nationals").pk],
        "languages": [Language.objects.get(code="es").pk],
    }
    data.update(overrides)
    return data


def test_coordinator_adds_an_agency_with_capabilities(world, browser_client):
    client = browser_client(world.coordinator)
    page = html(client.get(CREATE))
    assert "<legend" in page
    assert "E. Criminal / civil justice system assistance" in page
    response = client.post(CREATE, _agency_post())
    agency = Agency.objects.get(name="Kappa Refugee Services")
    assert response.status_code == 302
    assert response.url == reverse("agencies:detail", args=[agency.pk])
    assert agency.state == "TX"
    assert list(agency.services_offered.values_list("code", flat=True)) == ["legal-immigration"]
    assert list(agency.languages.values_list("code", flat=True)) == ["es"]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="agencies.agency", object_id=str(agency.pk)
    ).exists()


def test_missing_name_is_shown_next_to_the_field_and_nothing_is_added(world, browser_client):
    before = Agency.objects.count()
    response = browser_client(world.coordinator).post(CREATE, _agency_post(name=""))
    assert response.status_code == 200
    page = html(response)
    assert re.search(r'<input[^>]*name="name"[^>]*class="[^"]*is-invalid', page) or re.search(
        r'<input[^>]*class="[^"]*is-invalid[^"]*"[^>]*name="name"', page
    )
    assert 'aria-describedby="id_name_error"' in page
    assert 'id="id_name_error"' in page
    assert "This field is required." in page
    assert Agency.objects.count() == before


def test_bad_email_and_state_are_refused_next_to_their_fields(world, browser_client):
    before = Agency.objects.count()
    response = browser_client(world.coordinator).post(
        CREATE, _agency_post(public_contact_email="not-an-email", state="T1")
    )
    page = html(response)
    assert 'id="id_public_contact_email_error"' in page
    assert 'id="id_state_error"' in page
    assert Agency.objects.count() == before


def test_duplicate_name_refused_by_the_service_lands_on_the_name_field(world, browser_client):
    before = Agency.objects.count()
    response = browser_client(world.coordinator).post(
        CREATE, _agency_post(name="Alpha City Police Department")
    )
    assert response.status_code == 200
    page = html(response)
    assert 'id="id_name_error"' in page
    assert "already exists" in page
    assert Agency.objects.count() == before


@pytest.mark.parametrize("persona", ["investigator_a", "le_supervisor_a", "advocate_a"])
def test_only_coordinators_may_add_agencies(world, browser_client, persona):
    client = browser_client(world.users[persona])
    before = Agency.objects.count()
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, _agency_post())
    assert response.status_code == 403
    assert "You may not do this" in html(response)
    assert Agency.objects.count() == before


def test_coordinator_edits_an_agency(world, browser_client):
    url = reverse("agencies:edit", args=[world.vsp_b.pk])
    client = browser_client(world.coordinator)
    page = html(client.get(url))
    assert 'value="Epsilon Legal Aid"' in page
    response = client.post(
        url,
        _agency_post(
            name="Epsilon Legal Aid",
            discipline=Discipline.VICTIM_SERVICES,
            jurisdiction_level=JurisdictionLevel.STATE,
            hours="24/7",
            active="on",
            languages=[],
        ),
    )
    assert response.status_code == 302
    world.vsp_b.refresh_from_db()
    assert world.vsp_b.hours == "24/7"
    assert world.vsp_b.languages.count() == 0
    assert world.vsp_b.active


def test_supervisor_edits_own_agency_but_not_its_discipline(world, browser_client):
    url = reverse("agencies:edit", args=[world.le_a.pk])
    client = browser_client(world.le_supervisor_a)
    page = html(client.get(url))
    assert re.search(r'<select[^>]*name="discipline"[^>]*disabled', page)
    response = client.post(
        url,
        {
            "name": "Alpha City Police Department",
            "discipline": Discipline.PROSECUTION,  # ignored: the field is disabled
            "jurisdiction_level": JurisdictionLevel.LOCAL,
            "phone": "555-0111",
        },
    )
    assert response.status_code == 302
    world.le_a.refresh_from_db()
    assert world.le_a.phone == "555-0111"
    assert world.le_a.discipline == Discipline.LAW_ENFORCEMENT
    assert world.le_a.active


@pytest.mark.parametrize(
    ("persona", "agency"),
    [("investigator_a", "le_a"), ("le_supervisor_a", "le_b"), ("advocate_a", "vsp_a")],
)
def test_edit_by_a_non_manager_is_403_and_changes_nothing(world, browser_client, persona, agency):
    target = world.agencies[agency]
    url = reverse("agencies:edit", args=[target.pk])
    client = browser_client(world.users[persona])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "name": "Renamed",
            "discipline": target.discipline,
            "jurisdiction_level": target.jurisdiction_level,
        },
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.name != "Renamed"


def test_edit_of_an_inactive_agency_by_a_non_coordinator_is_404(world, browser_client):
    deactivate(world.community)
    url = reverse("agencies:edit", args=[world.community.pk])
    assert browser_client(world.le_supervisor_a).get(url).status_code == 404


def test_service_refusal_of_a_discipline_change_lands_on_the_discipline_field(
    world, browser_client
):
    url = reverse("agencies:edit", args=[world.le_a.pk])
    response = browser_client(world.coordinator).post(
        url,
        {
            "name": "Alpha City Police Department",
            "discipline": Discipline.COMMUNITY,
            "jurisdiction_level": JurisdictionLevel.LOCAL,
            "active": "on",
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert 'id="id_discipline_error"' in page
    assert "cannot change discipline" in page
    world.le_a.refresh_from_db()
    assert world.le_a.discipline == Discipline.LAW_ENFORCEMENT


# --- Memberships --------------------------------------------------------------------------------


def test_coordinator_adds_a_member(world, browser_client):
    newcomer = UserFactory(username="newcomer")
    url = reverse("agencies:membership-create", args=[world.le_b.pk])
    client = browser_client(world.coordinator)
    page = html(client.get(url))
    # Only the roles of a law-enforcement agency are offered.
    assert 'value="investigator"' in page
    assert 'value="advocate"' not in page
    response = client.post(
        url,
        {
            "username": "newcomer",
            "role": Role.INVESTIGATOR,
            "title": "Detective",
            "starts": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.agency == world.le_b
    assert membership.title == "Detective"
    assert world.le_b.group in newcomer.groups.all()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "nobody-by-that-name"}, "username", "No active user has that user name."),
        ({"role": Role.ADVOCATE}, "role", "Select a valid choice."),
        ({"ends": "2000-01-01"}, "ends", "cannot end before it starts"),
        ({"starts": "not-a-date"}, "starts", "Enter a valid date."),
    ],
)
def test_membership_form_errors_are_shown_next_to_the_field(
    world, browser_client, data, field, message
):
    UserFactory(username="newcomer")
    before = Membership.objects.count()
    post = {
        "username": "newcomer",
        "role": Role.INVESTIGATOR,
        "starts": timezone.localdate().isoformat(),
        **data,
    }
    response = browser_client(world.coordinator).post(
        reverse("agencies:membership-create", args=[world.le_b.pk]), post
    )
    assert response.status_code == 200
    page = html(response)
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert Membership.objects.count() == before


def test_overlapping_membership_refused_by_the_service_lands_on_starts(world, browser_client):
    before = Membership.objects.count()
    response = browser_client(world.coordinator).post(
        reverse("agencies:membership-create", args=[world.le_a.pk]),
        {
            "username": "investigator_a",
            "role": Role.LE_SUPERVISOR,
            "starts": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert 'id="id_starts_error"' in page
    assert "already has a membership" in page
    assert Membership.objects.count() == before


def test_supervisor_adds_to_own_agency_without_the_coordinator_flag(world, browser_client):
    UserFactory(username="newcomer")
    client = browser_client(world.le_supervisor_a)
    url = reverse("agencies:membership-create", args=[world.le_a.pk])
    assert 'name="is_coordinator"' not in html(client.get(url))
    response = client.post(
        url,
        {
            "username": "newcomer",
            "role": Role.INVESTIGATOR,
            "starts": timezone.localdate().isoformat(),
            "is_coordinator": "on",  # not a field for them: ignored
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.get(user__username="newcomer").is_coordinator


@pytest.mark.parametrize(("persona", "status"), [("investigator_a", 403), ("le_supervisor_a", 403)])
def test_non_managers_may_not_add_members(world, browser_client, persona, status):
    url = reverse("agencies:membership-create", args=[world.le_b.pk])
    client = browser_client(world.users[persona])
    assert client.get(url).status_code == status
    response = client.post(
        url,
        {"username": "outsider", "role": Role.INVESTIGATOR, "starts": "2024-01-01"},
    )
    assert response.status_code == status
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_coordinator_edits_a_membership(world, browser_client):
    membership = world.investigator_b.memberships.get()
    url = reverse("agencies:membership-edit", args=[membership.pk])
    client = browser_client(world.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "role": Role.LE_SUPERVISOR,
            "title": "Sergeant",
            "starts": membership.starts.isoformat(),
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.LE_SUPERVISOR
    assert membership.title == "Sergeant"


def test_membership_edit_visibility(world, browser_client):
    membership = world.investigator_a.memberships.get()
    url = reverse("agencies:membership-edit", args=[membership.pk])
    # Same agency, not a supervisor: visible but not theirs to change.
    assert browser_client(world.le_victim_specialist_a).get(url).status_code == 403
    # Another agency's roster is out of reach.
    assert browser_client(world.investigator_b).get(url).status_code == 404
    assert browser_client(world.le_supervisor_a).get(url).status_code == 200


def test_ending_a_membership(world, browser_client):
    membership = world.investigator_b.memberships.get()
    url = reverse("agencies:membership-end", args=[membership.pk])
    client = browser_client(world.coordinator)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ends == timezone.localdate()


def test_ending_an_ended_membership_does_not_revive_it(world, browser_client):
    membership = world.ended_member.memberships.get()
    ended_on = membership.ends
    response = browser_client(world.coordinator).post(
        reverse("agencies:membership-end", args=[membership.pk]), follow=True
    )
    assert "already ended" in html(response)
    membership.refresh_from_db()
    assert membership.ends == ended_on


def test_ending_a_membership_is_refused_to_others(world, browser_client):
    membership = world.investigator_a.memberships.get()
    url = reverse("agencies:membership-end", args=[membership.pk])
    assert browser_client(world.le_victim_specialist_a).post(url).status_code == 403
    assert browser_client(world.investigator_b).post(url).status_code == 404
    membership.refresh_from_db()
    assert membership.ends is None


# --- Audit log ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_audit_log_is_for_coordinators_and_administrators(world, browser_client, persona):
    response = browser_client(world.users[persona]).get(AUDIT)
    assert response.status_code == 200
    assert 'id="audit-table"' in html(response)


@pytest.mark.parametrize(
    "persona", ["investigator_a", "le_supervisor_a", "prosecutor", "advocate_a", "outsider"]
)
def test_audit_log_does_not_exist_for_anyone_else(world, browser_client, persona):
    response = browser_client(world.users[persona]).get(AUDIT)
    assert response.status_code == 404
    assert "audit-table" not in html(response)


def test_audit_log_reads_are_not_audited(world, browser_client):
    client = browser_client(world.coordinator)
    before = AuditEvent.objects.count()
    client.get(AUDIT)
    assert AuditEvent.objects.count() == before


def test_audit_log_filters(world, browser_client):
    audit.record(
        AuditAction.VIEW,
        user=world.investigator_a,
        object_type="cases.case",
        object_id="42",
        outcome=AuditOutcome.DENIED,
    )
    client = browser_client(world.coordinator)

    def rows(params):
        page = html(client.get(AUDIT, params))
        return page.count('<tr>\n      <td class="text-nowrap">')

    user_id = str(world.investigator_a.pk)
    assert rows({"user": "investigator_a", "object_type": "cases.case"}) == 1
    assert rows({"user": user_id, "object_id": "42"}) == 1
    assert rows({"outcome": AuditOutcome.DENIED, "object_type": "cases.case"}) == 1
    assert rows({"action": AuditAction.LOGIN, "user": user_id}) == 0
    today = timezone.now().astimezone(dt.UTC).date()
    assert rows({"object_id": "42", "date_from": today, "date_to": today}) == 1
    tomorrow = today + dt.timedelta(days=1)
    assert rows({"object_id": "42", "date_from": tomorrow}) == 0
    page = html(client.get(AUDIT, {"object_id": "42"}))
    # Ids only: the table never shows names.
    assert "investigator_a" not in page.split('id="audit-table"')[1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"user": "nobody-by-that-name"}, "user"),
        ({"action": "teleport"}, "action"),
        ({"date_from": "2024-02-30"}, "date_from"),
        ({"date_from": "2024-03-02", "date_to": "2024-03-01"}, "date_to"),
    ],
)
def test_audit_log_refuses_bad_filters_next_to_the_field(world, browser_client, params, field):
    response = browser_client(world.coordinator).get(AUDIT, params)
    assert response.status_code == 200
    page = html(response)
    assert f'id="id_{field}_error"' in page
    assert "No audit events match." in page


def test_audit_log_paginates_50_a_page_newest_first(world, browser_client):
    for n in range(60):
        audit.record(AuditAction.VIEW, object_type="cases.case", object_id=f"n{n}")
    client = browser_client(world.coordinator)
    page = html(client.get(AUDIT, {"object_type": "cases.case"}))
    assert page.count("<td>cases.case</td>") == 50
    assert page.index("<td>n59</td>") < page.index("<td>n58</td>")
    assert "object_type=cases.case&amp;page=2" in page
    second = html(client.get(AUDIT, {"object_type": "cases.case", "page": 2}))
    assert second.count("<td>cases.case</td>") == 10
    assert "<td>n0</td>" in second


# --- Error pages --------------------------------------------------------------------------------


def test_unknown_address_renders_the_404_page(world, browser_client):
    response = browser_client(world.investigator_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in html(response)


def test_500_page_renders_without_a_request():
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "Something went wrong" in page
    _no_inline_code(page)
