"""URL map. Fixed by the API contract: /accounts/login/, /accounts/logout/, /healthz,
/api/v1/me/, /api/v1/..., /api/schema/, /api/docs/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider import views as oauth_views
from rest_framework.routers import DefaultRouter

from agencies.api import AgencyViewSet, MembershipViewSet, register_community
from cases import api as cases_api
from protocols import api as protocols_api
from taskforce import deadline_api, deadline_views, report_api, views
from taskforce.api import MeView
from taskforce.health import healthz
from taskforce.oauth_views import TokenView
from victims import api as victims_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", AgencyViewSet, basename="agency")
router.register("memberships", MembershipViewSet, basename="membership")
cases_api.register(router)
victims_api.register(router)
protocols_api.register(router)
register_community(router)
deadline_api.register(router)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("taskforce.signin_urls")),
    path("accounts/", include("taskforce.lockout_urls")),
    path("api/v1/me/", MeView.as_view(), name="api-me"),
    path(
        "api/v1/reports/dashboard/",
        report_api.DashboardReportView.as_view(),
        name="report-dashboard-api",
    ),
    path(
        "api/v1/reports/task-force/",
        report_api.TaskForceReportView.as_view(),
        name="report-task-force-api",
    ),
    path(
        "api/v1/reports/nondiscrimination/",
        report_api.NondiscriminationReportView.as_view(),
        name="report-nondiscrimination-api",
    ),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Partner systems: OAuth2 client credentials only (no browser authorization flow).
    path("oauth/token/", TokenView.as_view(), name="oauth-token"),
    path("oauth/revoke_token/", oauth_views.RevokeTokenView.as_view(), name="oauth-revoke"),
    # The admin signs in through the same steps as everyone (notice, lockout, second factor).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit-log"),
    path("deadlines/", deadline_views.deadline_list, name="deadlines"),
    path("deadlines/week/", deadline_views.deadline_week, name="deadlines-week"),
    path("deadlines/policies/", deadline_views.policy_list, name="deadline-policies"),
    path(
        "deadlines/policies/<slug:pk>/",  # pk: the kind, the policy's natural key
        deadline_views.policy_edit,
        name="deadline-policy-edit",
    ),
    path("notifications/", deadline_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        deadline_views.notification_read,
        name="notifications-mark-read",
    ),
    path(
        "notifications/read-all/",
        deadline_views.notification_read_all,
        name="notifications-mark-all-read",
    ),
    path(
        "notifications/preferences/",
        deadline_views.notification_preferences,
        name="notifications-preferences",
    ),
    path("agencies/", include("agencies.urls")),
    path("cases/", include("cases.urls")),
    path("victims/", include("victims.urls")),
    path("governance/", include("protocols.urls")),
    path("community/", include("agencies.community_urls")),
    path("reports/", include("taskforce.report_urls")),
]

handler404 = "taskforce.handlers.not_found"
handler500 = "taskforce.handlers.error"
