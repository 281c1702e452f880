"""Demo investigations and prosecutions for ``seed_demo`` (fictional; idempotent by title)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Language
from cases import services
from cases.models import Case, Statute

User = get_user_model()


def _user(username: str):
    return User.objects.get(username=username)


def _agency(acronym: str) -> Agency:
    return Agency.objects.get(acronym=acronym)


def seed() -> int:
    """Create the demo cases that are missing. Returns how many were created."""
    if Case.objects.filter(title__startswith="Demo:").exists():
        return 0
    today = timezone.localdate()
    now = timezone.now()
    investigator, sheriff, fed = (
        _user("investigator"),
        _user("sheriff_investigator"),
        _user("fed_agent"),
    )
    prosecutor = _user("prosecutor")

    # 1. City police, proactive sex-trafficking case around illicit massage businesses.
    lantern = services.open_case(
        by=investigator,
        agency=_agency("RPD"),
        title="Demo: Operation Lantern (massage parlors on Route 9)",
        origin="proactive",
        trafficking_type="sex",
        trafficking_subtype="adult_sex",
        jurisdiction_level="local",
        jurisdiction="City of Riverton",
        summary="Online advertisements tied to two massage businesses; workers live on site.",
        opened_on=today - dt.timedelta(days=60),
        venue=_venue("illicit-massage"),
        recruitment_method=_recruitment("job-offer"),
    )
    services.activate_case(case=lantern, by=investigator)
    manager = services.add_subject(
        case=lantern,
        by=investigator,
        role="controller",
        first_name="Victor",
        last_name="Kessler",
        aliases=["Vic", "Mr. K"],
        date_of_birth=dt.date(1976, 3, 14),
        gender="male",
        country_of_origin="US",
    )
    services.add_identifier(
        case=lantern, by=investigator, kind="phone", value="(555) 013-4477", subject=manager
    )
    services.add_identifier(
        case=lantern, by=investigator, kind="business", value="Golden Lotus Spa, LLC"
    )
    services.add_note(
        case=lantern,
        by=investigator,
        note_type="surveillance",
        body="Vehicles rotate workers between the two locations every two weeks.",
    )
    services.add_note(
        case=lantern,
        by=investigator,
        note_type="interview",
        body="Forensic interview with victim specialist present; statement on debt bondage.",
        for_prosecution=True,
    )
    operation = services.plan_operation(
        case=lantern,
        by=investigator,
        operation_type="search_warrant",
        starts_at=now + dt.timedelta(days=9),
        ends_at=now + dt.timedelta(days=9, hours=4),
        location="Route 9, Riverton",
        deconfliction_system="rissafe",
        deconfliction_event_number="RS-2026-114233",
    )
    services.send_pre_operation_notice(
        operation=operation,
        provider=_agency("HLSS"),
        by=investigator,
        window_starts=operation.starts_at,
        window_ends=operation.ends_at,
        expected_victims=6,
        genders=["female"],
        languages=Language.objects.filter(code__in=["zh", "en"]),
        minors_expected=False,
    )

    # 2. Sheriff, reactive labor case whose phone matches Lantern's: a deconfliction hit.
    fields = services.open_case(
        by=sheriff,
        agency=_agency("DCSO"),
        title="Demo: Dunmore orchard crew",
        origin="reactive",
        trafficking_type="labor",
        trafficking_subtype="labor",
        jurisdiction_level="local",
        jurisdiction="Dunmore County",
        summary="Hotline tip: seasonal workers' passports held by a crew leader.",
        opened_on=today - dt.timedelta(days=20),
        venue=_venue("agriculture"),
        recruitment_method=_recruitment("debt"),
    )
    services.add_identifier(case=fields, by=sheriff, kind="phone", value="555.013.4477")

    # 3. HSI, federal forced-labor case in domestic work.
    federal = services.open_case(
        by=fed,
        agency=_agency("HSI"),
        title="Demo: Domestic servitude, Lakeview Estates",
        origin="reactive",
        trafficking_type="labor",
        trafficking_subtype="labor",
        jurisdiction_level="federal",
        jurisdiction="Northern District",
        summary="Live-in domestic worker on an expired visa, unpaid for three years.",
        opened_on=today - dt.timedelta(days=35),
        venue=_venue("domestic-work"),
        recruitment_method=_recruitment("job-offer"),
    )
    services.add_subject(
        case=federal, by=fed, role="trafficker", first_name="Helena", last_name="Marsh"
    )

    # 4. City police case referred to the district attorney, with a charge and a court date.
    riverside = services.open_case(
        by=investigator,
        agency=_agency("RPD"),
        title="Demo: Riverside Motel",
        origin="reactive",
        trafficking_type="sex",
        trafficking_subtype="child_sex",
        jurisdiction_level="local",
        jurisdiction="City of Riverton",
        summary="Minor recovered at a motel after a school counselor's report.",
        opened_on=today - dt.timedelta(days=120),
        venue=_venue("hotel-motel"),
        recruitment_method=_recruitment("intimate-partner"),
    )
    pimp = services.add_subject(
        case=riverside,
        by=investigator,
        role="trafficker",
        first_name="Darnell",
        last_name="Price",
        date_of_birth=dt.date(1994, 8, 2),
        gender="male",
        arrest_date=today - dt.timedelta(days=100),
    )
    services.add_note(
        case=riverside,
        by=investigator,
        note_type="evidence_log",
        body="Phone extraction report logged; ads on two websites.",
        for_prosecution=True,
    )
    referral = services.refer_for_prosecution(
        case=riverside, office=_agency("DCDA"), by=investigator, message="Arrest made."
    )
    prosecution = services.accept_prosecution_referral(
        referral=referral, by=prosecutor, court_case_number="2026-CF-0413"
    )
    services.add_charge(
        prosecution=prosecution,
        by=prosecutor,
        subject=pimp,
        statute=Statute.objects.get(citation="18 U.S.C. 1591"),
        counts=2,
        charged_on=today - dt.timedelta(days=95),
    )
    services.schedule_court_event(
        prosecution=prosecution,
        by=prosecutor,
        event_type="plea_hearing",
        scheduled_at=now + dt.timedelta(days=6),
        court="Dunmore County Circuit Court, Courtroom 3B",
    )

    # 5. A closed case.
    closed = services.open_case(
        by=sheriff,
        agency=_agency("DCSO"),
        title="Demo: Traveling sales crew (closed)",
        origin="reactive",
        trafficking_type="labor",
        jurisdiction_level="local",
        opened_on=today - dt.timedelta(days=300),
        venue=_venue("traveling-sales-crew"),
    )
    services.close_case(
        case=closed,
        by=sheriff,
        reason="Confirmed not trafficking: wage dispute referred to the labor department.",
        ucr_clearance="not_cleared",
        closed_on=today - dt.timedelta(days=200),
    )
    return 5


def _venue(code):
    from cases.models import Venue

    return Venue.objects.get(code=code)


def _recruitment(code):
    from cases.models import RecruitmentMethod

    return RecruitmentMethod.objects.get(code=code)
