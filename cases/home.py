"""What the investigator's and the prosecutor's home sections show (reads through selectors)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agencies.roles import Discipline, Role
from agencies.selectors import active_memberships
from cases import selectors
from cases.models import ProsecutionReferralStatus, ProsecutionStatus
from cases.services import PROSECUTION_ROLES

HOME_CASES = 10
HOME_HITS = 5
HOME_PROSECUTIONS = 10


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: court calendars run Monday to Sunday."""
    return day - dt.timedelta(days=day.weekday())


def investigations_context(user) -> dict:
    """My open cases, newest activity first, and the newest deconfliction hits."""
    my_cases = list(selectors.my_cases(user).order_by("-last_activity_at", "-id")[:HOME_CASES])
    hits = list(
        selectors.hits_for(user)
        .select_related("identifier")
        .order_by("-created_at", "-id")[:HOME_HITS]
    )
    may_open = (
        active_memberships(user)
        .filter(
            role__in=[Role.INVESTIGATOR, Role.LE_SUPERVISOR],
            agency__discipline=Discipline.LAW_ENFORCEMENT,
        )
        .exists()
    )
    return {"home_cases": my_cases, "home_hits": hits, "home_may_open_case": may_open}


def prosecution_context(user) -> dict:
    """My prosecutions (the office's when I lead none), referrals awaiting the office's
    decision and this week's court dates."""
    offices = active_memberships(user).filter(role__in=PROSECUTION_ROLES).values("agency_id")
    open_prosecutions = (
        selectors.prosecutions_for(user)
        .filter(status=ProsecutionStatus.OPEN, owner_agency__in=offices)
        .order_by("-opened_on", "-id")
    )
    mine = list(open_prosecutions.filter(lead_prosecutor=user)[:HOME_PROSECUTIONS])
    leads_none = not mine
    if leads_none:
        mine = list(open_prosecutions[:HOME_PROSECUTIONS])
    referrals = list(
        selectors.prosecution_referrals_for(user)
        .filter(status=ProsecutionReferralStatus.PENDING, office__in=offices)
        .order_by("created_at", "id")
    )
    monday = week_start(timezone.localdate())
    events = list(selectors.court_calendar(user, start=monday, days=7))
    return {
        "home_prosecutions": mine,
        "home_prosecutions_are_office": leads_none,
        "home_referrals": referrals,
        "home_court_events": events,
        "home_week": monday,
    }
