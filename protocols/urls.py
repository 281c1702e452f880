"""Browser pages of the task force's governance (mounted at /governance/)."""

from django.urls import path

from protocols import views

app_name = "protocols"

urlpatterns = [
    # Charter: mission, purpose, goals and objectives.
    path("", views.charter, name="charter"),
    path("charter/edit/", views.charter_edit, name="charter-edit"),
    path("goals/new/", views.goal_create, name="goal-create"),
    path("goals/<int:pk>/objectives/new/", views.objective_create, name="objective-create"),
    path("objectives/<int:pk>/progress/", views.objective_progress, name="objective-progress"),
    # MOUs.
    path("mous/", views.mou_list, name="mou-list"),
    path("mous/new/", views.mou_create, name="mou-create"),
    path("mous/<int:pk>/", views.mou_detail, name="mou-detail"),
    path("mous/<int:pk>/edit/", views.mou_edit, name="mou-edit"),
    path("mous/<int:pk>/signatory/", views.mou_signatory, name="mou-signatory"),
    path("mous/<int:pk>/circulate/", views.mou_circulate, name="mou-circulate"),
    path("mous/<int:pk>/sign/", views.mou_sign, name="mou-sign"),
    path("mous/<int:pk>/terminate/", views.mou_terminate, name="mou-terminate"),
    path("mous/<int:pk>/renew/", views.mou_renew, name="mou-renew"),
    path("mous/<int:pk>/document/", views.mou_upload, name="mou-upload"),
    path("mou-versions/<int:pk>/document/", views.mou_document, name="mou-document"),
    # Protocols.
    path("protocols/", views.protocol_list, name="protocol-list"),
    path("protocols/new/", views.protocol_create, name="protocol-create"),
    path("protocols/<int:pk>/", views.protocol_detail, name="protocol-detail"),
    path("protocols/<int:pk>/edit/", views.protocol_edit, name="protocol-edit"),
    path(
        "protocols/<int:pk>/versions/new/",
        views.protocol_version_create,
        name="protocol-version-create",
    ),
    path("protocols/<int:pk>/retire/", views.protocol_retire, name="protocol-retire"),
    path("protocol-versions/<int:pk>/document/", views.protocol_document, name="protocol-document"),
    # The decision log.
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/new/", views.decision_create, name="decision-create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    # Leadership, committees, meetings.
    path("leadership/", views.leadership, name="leadership"),
    path("leadership/new/", views.term_create, name="term-create"),
    path("leadership/<int:pk>/end/", views.term_end, name="term-end"),
    path("committees/new/", views.committee_create, name="committee-create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path(
        "committees/<int:pk>/members/new/", views.committee_member_add, name="committee-member-add"
    ),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
]
