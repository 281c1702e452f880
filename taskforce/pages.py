"""Base browser views for compartmented records: the access layer applied in one place.

Like the API's ``CompartmentViewSet``: lists show only what ``access.visible`` returns; a detail
or edit page of a record out of reach is a 404, a visible record the user may not change a 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from taskforce import access
from taskforce.errors import InvalidTransition


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


class WindowPage:
    """One page of a long list, read without counting the list.

    Counting every row a user may see scans them all through the access filter, the one cost
    that grows with the table; reading one row more than the page tells whether a next page
    exists. The template partial ``includes/pager.html`` shows Previous / Next.
    """

    MAX_PAGE = 10_000  # deeper offsets are a search's job, not paging's

    def __init__(self, queryset, number, size: int):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        self.number = min(max(number, 1), self.MAX_PAGE)
        offset = (self.number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        self.object_list = rows[:size]
        self.has_previous = self.number > 1
        self.has_next = len(rows) > size and self.number < self.MAX_PAGE
        self.previous_page_number = self.number - 1
        self.next_page_number = self.number + 1
        self.start_index = offset + 1 if self.object_list else 0
        self.end_index = offset + len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def submit_form(form, write: Callable[[dict], object]) -> tuple[object | None, int]:
    """Run a service on a valid form's data. Refusals land on the form: ``(None, status)``,
    200 for bad input (field errors), 409 for a step the record's state does not allow."""
    try:
        return write(form.cleaned_data), 200
    except ValidationError as error:
        form.apply_validation_error(error)
        return None, 200
    except InvalidTransition as error:
        form.add_error(None, str(error))
        return None, 409


def form_page(
    request,
    template: str,
    form,
    *,
    heading: str,
    submit: str,
    cancel_url: str,
    intro: str = "",
    status: int = 200,
    refusal: str = "",
    **extra,
):
    """The page of one form. A ``refusal`` (the step is not possible from the record's state)
    is shown instead of the form, with HTTP 409."""
    context = {
        "form": form,
        "heading": heading,
        "submit_label": submit,
        "cancel_url": cancel_url,
        "intro": intro,
        "refusal": refusal,
        **extra,
    }
    return render(request, template, context, status=409 if refusal else status)
