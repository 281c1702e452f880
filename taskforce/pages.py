"""Base browser views for compartmented records: the access layer applied in one place.

Like the API's ``CompartmentViewSet``: lists show only what ``access.visible`` returns; a detail
or edit page of a record out of reach is a 404, a visible record the user may not change a 403.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from taskforce import access


class CompartmentListView(LoginRequiredMixin, ListView):
    """A paginated list of the records the user may view. Subclasses set ``model``/``queryset``."""

    paginate_by = 25

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset(), "view")


class CompartmentObjectMixin(LoginRequiredMixin):
    """``get_object`` through the access layer (audited); ``access_action`` is view or change."""

    access_action = "view"

    def get_object(self, queryset=None):
        queryset = queryset if queryset is not None else self.get_queryset()
        return access.get_visible(
            self.request.user, queryset, pk=self.kwargs["pk"], action=self.access_action
        )


class CompartmentDetailView(CompartmentObjectMixin, DetailView):
    pass
