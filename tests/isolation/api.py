"""API and page routes for the test-only compartmented model, built on the shared bases."""

from rest_framework import mixins, serializers

from taskforce.api import CompartmentViewSet
from taskforce.pages import CompartmentDetailView, CompartmentListView
from tests.isolation.models import Dossier


class DossierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dossier
        fields = ["id", "title", "owner_agency", "created_at"]
        read_only_fields = ["id", "owner_agency", "created_at"]


class DossierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, CompartmentViewSet
):
    queryset = Dossier.objects.all()
    serializer_class = DossierSerializer


class DossierListPage(CompartmentListView):
    model = Dossier
    template_name = "isolation/dossier_list.html"


class DossierDetailPage(CompartmentDetailView):
    model = Dossier
    template_name = "isolation/dossier_detail.html"
