"""Browser pages of the aggregate figures and record exports (namespace ``reports``)."""

from django.urls import path

from taskforce import export_views, report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.dashboard, name="dashboard"),
    path("task-force/", report_views.task_force_report, name="task-force"),
    path("task-force/download/", report_views.report_download, name="task-force-download"),
    path("nondiscrimination/", report_views.nondiscrimination, name="nondiscrimination"),
    path("exports/", export_views.export_list, name="exports"),
    path(
        "exports/<slug:pk>/",  # pk: the dataset's slug, its natural key
        export_views.export_download,
        name="export-download",
    ),
]
