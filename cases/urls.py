"""Browser pages of investigations and prosecutions (mounted at /cases/)."""

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("court-calendar/", views.court_calendar, name="court-calendar"),
    path("prosecutions/", views.prosecution_list, name="prosecutions"),
    # A case and its steps.
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/activate/", views.case_activate, name="activate"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/share/", views.case_share, name="share"),
    path("<int:pk>/unshare/", views.case_unshare, name="unshare"),
    path("<int:pk>/refer/", views.case_refer, name="refer"),
    path("<int:pk>/subjects/new/", views.subject_create, name="subject-create"),
    path("<int:pk>/identifiers/new/", views.identifier_create, name="identifier-create"),
    path("<int:pk>/notes/new/", views.note_create, name="note-create"),
    path("<int:pk>/operations/new/", views.operation_create, name="operation-create"),
    # Records of a case, by their own id.
    path("subjects/<int:pk>/edit/", views.subject_edit, name="subject-edit"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("notes/<int:pk>/correct/", views.note_correct, name="note-correct"),
    path(
        "notes/<int:pk>/for-prosecution/",
        views.note_for_prosecution,
        name="note-for-prosecution",
    ),
    path("operations/<int:pk>/edit/", views.operation_edit, name="operation-edit"),
    path("operations/<int:pk>/notices/new/", views.notice_create, name="notice-create"),
    path("hits/<int:pk>/acknowledge/", views.hit_acknowledge, name="hit-acknowledge"),
    # Prosecution.
    path("referrals/<int:pk>/accept/", views.referral_accept, name="referral-accept"),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="referral-decline"),
    path("referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral-withdraw"),
    path("prosecutions/<int:pk>/charges/new/", views.charge_create, name="charge-create"),
    path(
        "prosecutions/<int:pk>/court-events/new/",
        views.court_event_create,
        name="court-event-create",
    ),
    path(
        "prosecutions/<int:pk>/notes/new/",
        views.prosecutor_note_create,
        name="prosecutor-note-create",
    ),
    path("charges/<int:pk>/edit/", views.charge_edit, name="charge-edit"),
    path("court-events/<int:pk>/edit/", views.court_event_edit, name="court-event-edit"),
]
