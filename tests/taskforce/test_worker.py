"""A real Celery worker consumes from the configured broker and runs a job against the database.

Not eager mode: the message goes through the broker the settings name (Celery's filesystem
broker under var/ in the embedded mode, Redis when REDIS_URL is set, as in CI), and a worker
thread picks it up and runs it with its own database connection.
"""

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from agencies import services, tasks
from agencies.roles import Role
from taskforce.celery import app
from tests.factories import make_agency, make_member

pytestmark = [pytest.mark.worker]


def wait_for(condition, timeout=20.0, interval=0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def test_worker_uses_the_configured_broker():
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.broker_transport_options == settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert app.conf.task_always_eager is False
    assert "agencies.tasks.sync_agency_groups" in app.tasks


def test_worker_removes_an_ended_member_from_the_agency_group(transactional_db):
    agency = make_agency("Riverbend Police Department", acronym="RBPD")
    today = timezone.localdate()
    user = make_member(
        "former_detective", agency, Role.INVESTIGATOR, starts=today - dt.timedelta(days=200)
    )
    membership = user.memberships.get()
    services.end_membership(membership=membership, by=None, ends=today - dt.timedelta(days=1))
    # The nightly catch-up exists for memberships that ended by date while nobody touched them:
    # the person is still in the agency's group.
    user.groups.add(agency.group)
    assert user.groups.filter(pk=agency.group_id).exists()

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert app.conf.broker_url == settings.CELERY_BROKER_URL
        result = tasks.sync_agency_groups.delay()
        assert result.id
        left = wait_for(lambda: not user.groups.filter(pk=agency.group_id).exists())

    assert left, "the worker did not take the ended member out of the agency group within 20 s"
    # Nobody else was touched: the group still exists and the membership row is kept.
    assert user.memberships.filter(pk=membership.pk, ends=today - dt.timedelta(days=1)).exists()
