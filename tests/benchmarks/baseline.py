"""The yardsticks of the access filter's cost: each measured list without it. Exists only here.

Used as ``ROOT_URLCONF`` by the in-process measurements: the project's URLs plus the baselines,
each the very viewset of its list (serializer, filters, pagination) minus ``access.visible``.
"""

from django.db.models import Prefetch
from django.urls import path
from rest_framework.generics import GenericAPIView

from cases.api import CaseViewSet
from cases.models import Case
from taskforce.deadline_api import DeadlineViewSet
from taskforce.urls import urlpatterns as project_urlpatterns
from victims.api import ReferralViewSet, VictimViewSet

BASELINE_LIST = "/bench/baseline/cases/"
BASELINE_VICTIMS = "/bench/baseline/victims/"
BASELINE_REFERRALS = "/bench/baseline/referrals/"
BASELINE_DEADLINES = "/bench/baseline/deadlines/"


class BaselineCaseViewSet(CaseViewSet):
    """The same viewset, serializer, filters and pagination, minus ``access.visible``."""

    def get_queryset(self):
        return GenericAPIView.get_queryset(self)


class BaselineVictimViewSet(VictimViewSet):
    """The victim list without the access filter, on the records or on their linked cases."""

    def get_queryset(self):
        cases = Case.objects.only("id")
        return GenericAPIView.get_queryset(self).prefetch_related(Prefetch("cases", queryset=cases))


class BaselineReferralViewSet(ReferralViewSet):
    """Referrals without the access filter (``direction=received`` still keeps the provider's)."""

    def get_queryset(self):
        return GenericAPIView.get_queryset(self)


class BaselineDeadlineViewSet(DeadlineViewSet):
    """Every deadline, without the filter on who may see its source record."""

    def get_queryset(self):
        return GenericAPIView.get_queryset(self)


def _route(url: str, viewset) -> object:
    return path(url.strip("/") + "/", viewset.as_view({"get": "list"}))


urlpatterns = [
    _route(BASELINE_LIST, BaselineCaseViewSet),
    _route(BASELINE_VICTIMS, BaselineVictimViewSet),
    _route(BASELINE_REFERRALS, BaselineReferralViewSet),
    _route(BASELINE_DEADLINES, BaselineDeadlineViewSet),
    *project_urlpatterns,
]
