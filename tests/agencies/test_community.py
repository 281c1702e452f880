"""Training, outreach, trend bulletins and the coverage matrix: the services' rules, the
bulletin identifier check, training histories, and coverage gaps on a hand-built task force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies import selectors, services
from agencies.deidentify import find_personal_identifiers
from agencies.models import (
    BulletinStatus,
    Language,
    OutreachEvent,
    Population,
    TrainingAttendance,
    TrainingTopic,
    TrendBulletin,
)
from agencies.roles import Discipline
from cases.models import Venue
from taskforce.errors import InvalidTransition
from taskforce.models import AuditEvent
from tests.factories import make_agency

TODAY = timezone.localdate


def _training(world, **extra):
    data = {
        "title": "Victim-centered interviewing",
        "topic": TrainingTopic.objects.get(code="victim-centered-investigation"),
        "audience_disciplines": [Discipline.LAW_ENFORCEMENT, Discipline.VICTIM_SERVICES],
        "held_on": TODAY() - dt.timedelta(days=3),
        "hours": Decimal("6.00"),
        "trainers": "A. Trainer (state academy)",
        **extra,
    }
    return services.create_training(by=world.coordinator, **data)


# --- Training ---------------------------------------------------------------------------------


def test_topics_are_seeded_with_the_field_s_core_topics(db):
    codes = set(TrainingTopic.objects.values_list("code", flat=True))
    assert {
        "sex-trafficking",
        "labor-trafficking",
        "trauma-informed-practice",
        "victim-centered-investigation",
    } <= codes


@pytest.mark.parametrize("persona", ["investigator_a", "le_supervisor_a", "advocate_a"])
def test_only_coordinators_record_trainings(world, persona):
    with pytest.raises(PermissionDenied):
        services.create_training(
            by=world.users[persona],
            title="Nope",
            topic=TrainingTopic.objects.first(),
            held_on=TODAY(),
            hours=Decimal("1"),
        )


def test_training_refuses_unknown_discipline_and_zero_hours(world):
    with pytest.raises(ValidationError) as error:
        _training(world, audience_disciplines=["astronauts"])
    assert "audience_disciplines" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _training(world, hours=Decimal("0"))
    assert "hours" in error.value.message_dict


def test_attendance_defaults_to_the_training_hours_and_the_member_s_agency(world):
    training = _training(world)
    attendance = services.record_attendance(
        training=training, by=world.coordinator, attendee=world.investigator_a
    )
    assert attendance.agency == world.le_a
    assert attendance.hours_credited == Decimal("6.00")
    assert AuditEvent.objects.filter(object_id=str(attendance.pk), action="create").exists()


def test_attendance_refuses_more_hours_than_the_training_and_a_second_record(world):
    training = _training(world)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            training=training,
            by=world.coordinator,
            attendee=world.advocate_a,
            hours_credited=Decimal("7"),
        )
    assert "hours_credited" in error.value.message_dict
    services.record_attendance(training=training, by=world.coordinator, attendee=world.advocate_a)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            training=training, by=world.coordinator, attendee=world.advocate_a
        )
    assert "attendee" in error.value.message_dict
    assert training.attendance.count() == 1


def test_attendance_for_an_agency_the_member_did_not_belong_to_is_refused(world):
    training = _training(world)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            training=training, by=world.coordinator, attendee=world.advocate_a, agency=world.le_b
        )
    assert "agency" in error.value.message_dict


def test_external_attendee_needs_a_name_and_an_agency(world):
    training = _training(world)
    with pytest.raises(ValidationError):
        services.record_attendance(training=training, by=world.coordinator, agency=world.vsp_a)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            training=training, by=world.coordinator, external_name="Jordan Lee"
        )
    assert "agency" in error.value.message_dict
    attendance = services.record_attendance(
        training=training,
        by=world.coordinator,
        external_name="Jordan Lee",
        agency=world.vsp_a,
        hours_credited=Decimal("3"),
    )
    assert attendance.attendee_name == "Jordan Lee"


def test_only_coordinators_record_attendance(world):
    training = _training(world)
    with pytest.raises(PermissionDenied):
        services.record_attendance(
            training=training, by=world.le_supervisor_a, attendee=world.investigator_a
        )


def test_training_history_and_who_may_read_it(world):
    first = _training(world, held_on=TODAY() - dt.timedelta(days=30))
    second = _training(world, title="Labor trafficking indicators", hours=Decimal("2"))
    for training in (first, second):
        services.record_attendance(
            training=training, by=world.coordinator, attendee=world.investigator_a
        )
    services.record_attendance(training=first, by=world.coordinator, attendee=world.advocate_a)

    history = list(selectors.training_history(world.investigator_a))
    assert [a.training for a in history] == [second, first]
    assert selectors.training_totals(world.investigator_a) == {
        "trainings": 2,
        "hours": Decimal("8.00"),
    }
    may = selectors.may_see_training_history
    assert may(world.investigator_a, world.investigator_a)
    assert may(world.le_supervisor_a, world.investigator_a)  # their agency's supervisor
    assert may(world.coordinator, world.investigator_a)
    assert not may(world.vsp_supervisor_a, world.investigator_a)  # another agency's supervisor
    assert not may(world.le_victim_specialist_a, world.investigator_a)  # a colleague
    assert not may(world.ended_member, world.ended_member)  # no membership in force

    seen = set(selectors.visible_attendance(world.le_supervisor_a).values_list("pk", flat=True))
    assert seen == set(
        TrainingAttendance.objects.filter(attendee=world.investigator_a).values_list(
            "pk", flat=True
        )
    )
    assert not selectors.visible_attendance(world.investigator_b).exists()
    assert selectors.visible_attendance(world.coordinator).count() == 3


def test_training_list_counts_attendance(world):
    training = _training(world)
    services.record_attendance(
        training=training, by=world.coordinator, attendee=world.investigator_a
    )
    services.record_attendance(
        training=training,
        by=world.coordinator,
        external_name="Jordan Lee",
        agency=world.vsp_a,
        hours_credited=Decimal("2.5"),
    )
    listed = selectors.trainings(world.advocate_b).get(pk=training.pk)
    assert listed.attendee_count == 2
    assert listed.hours_credited_total == Decimal("8.50")
    assert selectors.trainings(world.advocate_b, discipline="victim_services").exists()
    assert not selectors.trainings(world.advocate_b, discipline="prosecution").exists()
    assert not selectors.trainings(world.outsider).exists()


def test_history_api_own_supervisor_and_others(world, api):
    training = _training(world)
    services.record_attendance(
        training=training, by=world.coordinator, attendee=world.investigator_a
    )
    own = api(world.investigator_a).get(reverse("training-history-list"))
    assert own.status_code == 200
    assert own.json()["hours"] == "6.00"
    assert [r["training"] for r in own.json()["attendance"]] == [training.pk]

    def url(user):
        return reverse("training-history-detail", kwargs={"pk": user.pk})

    assert api(world.le_supervisor_a).get(url(world.investigator_a)).status_code == 200
    assert api(world.coordinator).get(url(world.investigator_a)).status_code == 200
    assert api(world.investigator_b).get(url(world.investigator_a)).status_code == 403
    missing = reverse("training-history-detail", kwargs={"pk": 987654})
    assert api(world.investigator_b).get(missing).status_code == 404
    # Someone with no attendance has an empty history, not an error.
    assert (
        api(world.investigator_b).get(reverse("training-history-list")).json()["attendance"] == []
    )


# --- Outreach -----------------------------------------------------------------------------------


def _outreach(by, lead, **extra):
    data = {
        "title": "Hotel staff awareness session",
        "audience": "hospitality",
        "held_on": TODAY(),
        "estimated_reach": 40,
        "lead_agency": lead,
        "languages": list(Language.objects.filter(code__in=["en", "es"])),
        **extra,
    }
    return services.create_outreach_event(by=by, **data)


def test_coordinator_records_outreach_and_the_lead_is_always_involved(world):
    event = _outreach(world.coordinator, world.community, agencies=[world.vsp_a])
    assert set(event.agencies.all()) == {world.community, world.vsp_a}
    assert set(event.languages.values_list("code", flat=True)) == {"en", "es"}


def test_supervisor_records_only_their_own_agency_s_outreach(world):
    event = _outreach(world.vsp_supervisor_a, world.vsp_a)
    assert event.lead_agency == world.vsp_a
    with pytest.raises(PermissionDenied):
        _outreach(world.vsp_supervisor_a, world.le_a)
    with pytest.raises(PermissionDenied):
        _outreach(world.advocate_a, world.vsp_a)
    with pytest.raises(PermissionDenied):
        services.update_outreach_event(
            event=event, by=world.vsp_supervisor_a, lead_agency=world.le_a
        )
    assert OutreachEvent.objects.get(pk=event.pk).lead_agency == world.vsp_a


def test_outreach_filters(world):
    _outreach(world.coordinator, world.community, audience="schools")
    _outreach(world.coordinator, world.vsp_a, languages=[Language.objects.get(code="vi")])
    found = selectors.outreach_events
    assert found(world.advocate_a, audience="schools").count() == 1
    assert found(world.advocate_a, language="vi").count() == 1
    assert found(world.advocate_a, agency=world.vsp_a.pk).count() == 1
    assert found(world.outsider).count() == 0


# --- Trend bulletins ----------------------------------------------------------------------------

CLEAN = (
    "Recruiters post 'modeling jobs' on a new chat app, then move talk to encrypted messaging. "
    "Ads since 2024-11-02 list rates of $200-300 per hour; workers aged 16-17 reported."
)


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Call the manager at (555) 201-3344 for rooms", "phone number", "(555) 201-3344"),
        ("Number seen on ads: 555.201.3344", "phone number", "555.201.3344"),
        ("Ads list +1 555 201 3344", "phone number", "+1 555 201 3344"),
        ("Recruiter uses +44 20 7946 0958 abroad", "phone number", "+44 20 7946 0958"),
        ("Write to recruiter.jobs@example.com", "email address", "recruiter.jobs@example.com"),
        ("Victim DOB 03/14/1976", "date of birth", "03/14/1976"),
        ("Worker born 2012-05-04 found", "date of birth", "2012-05-04"),
        ("Born March 14, 1976 in Ohio", "date of birth", "March 14, 1976"),
    ],
)
def test_identifier_check_names_what_it_found(text, kind, found):
    findings = find_personal_identifiers(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]


def test_identifier_check_accepts_clean_text():
    assert find_personal_identifiers(CLEAN) == []


def test_bulletin_with_a_phone_is_refused_and_the_phone_named(world):
    with pytest.raises(ValidationError) as error:
        services.share_trend_bulletin(
            by=world.advocate_a,
            kind="indicator",
            title="Massage ads",
            body="Ads list 555-201-3344 and jane@example.org; DOB 01/02/1990.",
        )
    message = " ".join(error.value.message_dict["body"])
    for item in ("555-201-3344", "jane@example.org", "01/02/1990"):
        assert item in message
    assert not TrendBulletin.objects.exists()


def test_member_shares_a_clean_bulletin_for_their_agency(world):
    venue = Venue.objects.first()
    bulletin = services.share_trend_bulletin(
        by=world.community_member, kind="new_venue", title="Chat app recruiting", body=CLEAN,
        venue=venue,
    )  # fmt: skip
    assert bulletin.author_agency == world.community
    assert bulletin.status == BulletinStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.share_trend_bulletin(
            by=world.community_member, agency=world.le_a, kind="other", title="x", body="y"
        )


def test_only_the_author_edits_and_coordinators_archive(world):
    bulletin = services.share_trend_bulletin(
        by=world.advocate_a, kind="indicator", title="Branded tattoos", body=CLEAN
    )
    with pytest.raises(PermissionDenied):
        services.update_trend_bulletin(bulletin=bulletin, by=world.coordinator, title="Mine")
    with pytest.raises(ValidationError):
        services.update_trend_bulletin(
            bulletin=bulletin, by=world.advocate_a, body="Call 555-201-3344"
        )
    assert TrendBulletin.objects.get(pk=bulletin.pk).body == CLEAN
    services.update_trend_bulletin(bulletin=bulletin, by=world.advocate_a, title="Brand tattoos")
    with pytest.raises(PermissionDenied):
        services.archive_trend_bulletin(bulletin=bulletin, by=world.advocate_a)
    archived = services.archive_trend_bulletin(bulletin=bulletin, by=world.coordinator)
    assert archived.status == BulletinStatus.ARCHIVED
    assert archived.archived_by == world.coordinator
    with pytest.raises(InvalidTransition):
        services.archive_trend_bulletin(bulletin=archived, by=world.coordinator)
    with pytest.raises(InvalidTransition):
        services.update_trend_bulletin(bulletin=archived, by=world.advocate_a, title="Again")


def test_bulletin_api_refuses_identifiers_with_a_400_naming_them(world, api):
    response = api(world.investigator_a).post(
        reverse("trend-bulletin-list"),
        {"kind": "indicator", "title": "Reach them at a@b.example", "body": CLEAN},
        format="json",
    )
    assert response.status_code == 400
    assert "a@b.example" in response.json()["title"][0]


# --- Coverage matrix ----------------------------------------------------------------------------


@pytest.fixture
def hand_built(db):
    """Three agencies whose capabilities leave known holes (the fixture world is not used, so
    no other agency's capabilities interfere)."""
    pop = {p.code: p for p in Population.objects.all()}
    lang = {lang.code: lang for lang in Language.objects.all()}
    every_gender = [pop["female"], pop["male"], pop["transgender"], pop["non-binary"]]
    # Adults, sex and labor, both citizenships, every gender, English and Spanish.
    shelter = make_agency(
        "Adult Shelter", Discipline.VICTIM_SERVICES,
        populations_served=[pop["adults"], pop["sex-trafficking"], pop["labor-trafficking"],
                            pop["foreign-nationals"], pop["us-citizens"], *every_gender],
        languages=[lang["en"], lang["es"]],
    )  # fmt: skip
    # Minors, sex trafficking only, U.S. citizens, girls only, English.
    youth = make_agency(
        "Girls Program", Discipline.VICTIM_SERVICES,
        populations_served=[pop["minors"], pop["sex-trafficking"], pop["us-citizens"],
                            pop["female"]],
        languages=[lang["en"]],
    )  # fmt: skip
    # Everything, but inactive: it covers nothing.
    make_agency(
        "Closed Program", Discipline.VICTIM_SERVICES, active=False,
        populations_served=list(pop.values()), languages=list(lang.values()),
    )  # fmt: skip
    # Law enforcement that declared no populations covers none.
    police = make_agency("City Police", Discipline.LAW_ENFORCEMENT, languages=[lang["en"]])
    return {"shelter": shelter, "youth": youth, "police": police, "pop": pop, "lang": lang}


def _row(matrix, age, kind, citizenship):
    return next(
        row
        for row in matrix.rows
        if (row.age.code, row.trafficking_type.code, row.citizenship.code)
        == (age, kind, citizenship)
    )


def _names(cell):
    return [a.name for a in cell.agencies]


def test_coverage_gaps_for_a_hand_built_task_force(hand_built):
    matrix = selectors.coverage_matrix(check_member=False)
    assert [a.name for a in matrix.agencies] == ["Adult Shelter", "City Police", "Girls Program"]
    assert len(matrix.rows) == 8  # 2 ages x 2 types x 2 citizenships
    for row in matrix.rows:
        assert [c.gender.code for c in row.cells] == [g.code for g in matrix.genders]
        if row.age.code == "adults":
            assert all(_names(c) == ["Adult Shelter"] for c in row.cells), row.label
    minors_sex_us = {c.gender.code: c for c in _row(matrix, "minors", "sex-trafficking",
                                                     "us-citizens").cells}  # fmt: skip
    assert _names(minors_sex_us["female"]) == ["Girls Program"]
    assert minors_sex_us["male"].gap and minors_sex_us["transgender"].gap
    for combo in [("minors", "labor-trafficking", "us-citizens"),
                  ("minors", "sex-trafficking", "foreign-nationals"),
                  ("minors", "labor-trafficking", "foreign-nationals")]:  # fmt: skip
        assert all(cell.gap for cell in _row(matrix, *combo).cells), combo
    # 4 adult rows covered; minors: 1 cell of 16 covered.
    assert len(matrix.gaps) == 15


def test_coverage_by_language(hand_built):
    spanish = selectors.coverage_matrix(language="es", check_member=False)
    assert spanish.language.code == "es"
    girls = _row(spanish, "minors", "sex-trafficking", "us-citizens").cells
    assert all(cell.gap for cell in girls)  # the girls' program works in English only
    assert len(spanish.gaps) == 16
    assert {c.language.code for c in spanish.cells} == {"es"}
    every = selectors.coverage_matrix(check_member=False)
    assert len(every.cells) == 8 * 4 * Language.objects.count()
    english_girls = [
        c for c in every.cells
        if (c.language.code, c.age.code, c.trafficking_type.code, c.citizenship.code,
            c.gender.code) == ("en", "minors", "sex-trafficking", "us-citizens", "female")
    ]  # fmt: skip
    assert [_names(c) for c in english_girls] == [["Girls Program"]]
    speaking = {lang.code for lang in Language.objects.all()} - {
        lang.code for lang in every.languages_without_agency
    }
    assert speaking == {"en", "es"}  # the inactive program's languages do not count


def test_coverage_by_discipline_and_for_members_only(hand_built, world):
    police_only = selectors.coverage_matrix(world.investigator_a, discipline="law_enforcement")
    assert "City Police" in [a.name for a in police_only.agencies]
    assert len(police_only.gaps) == 32
    with pytest.raises(PermissionDenied):
        selectors.coverage_matrix(world.outsider)


def test_coverage_costs_the_same_queries_for_few_or_many_agencies(hand_built):
    with CaptureQueriesContext(connection) as few:
        selectors.coverage_matrix(check_member=False)
    pop = list(hand_built["pop"].values())
    for n in range(20):
        make_agency(f"Extra {n}", Discipline.VICTIM_SERVICES, populations_served=pop)
    with CaptureQueriesContext(connection) as many:
        matrix = selectors.coverage_matrix(check_member=False)
    assert len(few.captured_queries) == len(many.captured_queries) <= 5
    assert not matrix.gaps  # the extras serve every population (in no language: any language)


def test_coverage_api(hand_built, world, api):
    response = api(world.advocate_a).get(reverse("coverage-list"), {"language": "es"})
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "es"
    assert body["gaps"] == len([r for r in body["rows"] if r["gap"]])
    assert (
        api(world.advocate_a).get(reverse("coverage-list"), {"language": "xx"}).status_code == 400
    )
    assert api(world.outsider).get(reverse("coverage-list")).status_code == 403


# --- Demo data and pages ------------------------------------------------------------------------


def test_demo_seed_is_idempotent_and_adds_training_outreach_and_bulletins(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    from agencies.models import Training

    training = Training.objects.get(title__startswith="Demo:")
    assert training.attendance.count() == 5
    assert OutreachEvent.objects.filter(title__startswith="Demo:").count() == 2
    assert TrendBulletin.objects.filter(title__startswith="Demo:").count() == 2
    call_command("seed_demo", verbosity=0)
    assert Training.objects.filter(title__startswith="Demo:").count() == 1
    assert TrendBulletin.objects.filter(title__startswith="Demo:").count() == 2


def test_bulletin_form_warns_and_names_the_identifier_next_to_the_field(world, client):
    client.force_login(world.investigator_a)
    url = reverse("community:bulletin-create")
    page = client.get(url).content.decode()
    assert 'id="deidentify-warning"' in page
    response = client.post(
        url,
        {"kind": "indicator", "title": "Ads", "body": "Text 555-201-3344 for rooms",
         "author_agency": world.le_a.pk},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "id_body_error" in body and "555-201-3344" in body
    assert not TrendBulletin.objects.exists()


def test_coverage_page_marks_gaps(hand_built, world, client):
    client.force_login(world.coordinator)
    body = client.get(reverse("community:coverage")).content.decode()
    assert body.count("tf-gap") == len(selectors.coverage_matrix(check_member=False).gaps) > 0
    assert "<caption" in body and 'scope="row"' in body
