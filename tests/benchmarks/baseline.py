"""The yardstick of the access filter's cost: the case list without it. Exists only here.

Used as ``ROOT_URLCONF`` by the in-process measurements: the project's URLs plus the baseline.
"""

from django.urls import path
from rest_framework.generics import GenericAPIView

from cases.api import CaseViewSet
from taskforce.urls import urlpatterns as project_urlpatterns

BASELINE_LIST = "/bench/baseline/cases/"


class BaselineCaseViewSet(CaseViewSet):
    """The same viewset, serializer, filters and pagination, minus ``access.visible``."""

    def get_queryset(self):
        return GenericAPIView.get_queryset(self)


urlpatterns = [
    path(BASELINE_LIST.strip("/") + "/", BaselineCaseViewSet.as_view({"get": "list"})),
    *project_urlpatterns,
]
