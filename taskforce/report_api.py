"""``reports/…`` API: the dashboard, the task force report and the nondiscrimination view as
JSON, for partner systems and the task force's own tools. The same figures as the pages, under
the same rules (``taskforce.reports``): task-force-wide figures suppressed, one's own agency's in
full, another agency's for coordinators only."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from taskforce import reports
from taskforce.report_forms import ReportFilterForm


class ReportPeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="FY2027, FY2027-H1 or FY2027-Q2.")
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="The last day of the period.")


class ReportSuppressionSerializer(serializers.Serializer):
    applied = serializers.BooleanField(
        help_text="False only for the figures of one of the caller's own agencies."
    )
    threshold = serializers.IntegerField(help_text="Counts from 1 to threshold - 1 are hidden.")


class ReportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="One per column; null where suppressed (or a statistic over no record).",
    )
    suppressed = serializers.ListField(child=serializers.BooleanField())
    total = serializers.IntegerField(allow_null=True)


class ReportTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.ChoiceField(choices=["count", "hours", "percent"])
    chart = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    columns = ReportColumnSerializer(many=True)
    rows = ReportRowSerializer(many=True)
    row_totals = serializers.BooleanField()
    column_totals = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), allow_null=True
    )
    total = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField(help_text="Whether any figure of the table is hidden.")


class ReportSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    tables = ReportTableSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    title = serializers.CharField()
    period = ReportPeriodSerializer()
    agency = serializers.IntegerField(allow_null=True)
    trafficking_type = serializers.CharField(allow_blank=True)
    suppression = ReportSuppressionSerializer()
    sections = ReportSectionSerializer(many=True)


FILTERS = [
    OpenApiParameter(
        "period",
        str,
        description="FY2027 (October 2026 to September 2027), FY2027-H1 or FY2027-Q2; "
        "the current fiscal year when left out.",
    ),
    OpenApiParameter(
        "agency",
        int,
        description="One of the caller's own agencies (figures in full); any agency for a "
        "coordinator (suppressed). Left out: the whole task force (suppressed).",
    ),
    OpenApiParameter(
        "trafficking_type",
        str,
        enum=list(reports.TRAFFICKING_TYPES),
        description="sex and labor each include cases and people of both types.",
    ),
]


class ReportView(APIView):
    build = None  # the report: one of taskforce.reports' collections

    def get(self, request):
        form = ReportFilterForm(request.query_params, user=request.user)
        scope = form.scope()
        if scope is None:
            raise exceptions.ValidationError(
                {field: list(errors) for field, errors in form.errors.items()}
            )
        return Response(ReportSerializer(type(self).build(scope).as_json()).data)


def _view(name: str, build, summary: str):
    # Each view gets its own ``get`` to carry its own schema (decorating the inherited one
    # would decorate it for every report).
    @extend_schema(
        operation_id=f"reports_{name.removesuffix('ReportView').lower()}",
        summary=summary,
        parameters=FILTERS,
        responses=ReportSerializer,
        tags=["reports"],
    )
    def get(self, request):
        return ReportView.get(self, request)

    return type(name, (ReportView,), {"build": staticmethod(build), "__doc__": summary, "get": get})


DashboardReportView = _view(
    "DashboardReportView", reports.dashboard, "The coordinator dashboard's figures."
)
TaskForceReportView = _view(
    "TaskForceReportView",
    reports.task_force_report,
    "The task force report for a period: victim services, law enforcement, activity.",
)
NondiscriminationReportView = _view(
    "NondiscriminationReportView",
    reports.nondiscrimination,
    "The same figures side by side by trafficking type and by victim population.",
)
