"""What the provider's home section shows (reads through selectors): the referral inbox,
overdue first, answered in place, and the clients I manage."""

from __future__ import annotations

from victims import selectors
from victims.models import ClientStatus, DeclineReason

HOME_INBOX = 10
HOME_CLIENTS = 10


def services_context(user) -> dict:
    """The open referrals of my providers (the oldest deadline, so the most overdue, first)
    and my active clients (my agency's when I manage none)."""
    inbox = list(selectors.open_inbox(user)[:HOME_INBOX])
    active = selectors.clients_for(user, status=ClientStatus.ACTIVE).order_by("-created_at", "-id")
    clients = list(active.filter(case_manager=user)[:HOME_CLIENTS])
    clients_are_agency = not clients
    if clients_are_agency:
        clients = list(active[:HOME_CLIENTS])
    return {
        "home_inbox": inbox,
        "home_inbox_overdue": sum(1 for r in inbox if r.is_overdue),
        "home_clients": clients,
        "home_clients_are_agency": clients_are_agency,
        "decline_reasons": DeclineReason.choices,
    }
