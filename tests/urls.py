"""The project's URLs plus routes for the test-only compartmented model."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from taskforce.urls import handler404, handler500  # noqa: F401 - Django reads them here
from taskforce.urls import urlpatterns as project_urlpatterns
from tests.isolation.api import DossierDetailPage, DossierListPage, DossierViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = [
    path("api/v1/test/", include(router.urls)),
    path("test/dossiers/", DossierListPage.as_view(), name="dossier-list-page"),
    path("test/dossiers/<int:pk>/", DossierDetailPage.as_view(), name="dossier-detail-page"),
    *project_urlpatterns,
]
