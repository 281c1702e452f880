"""Browser pages of victims, clients, referrals, releases and relief (mounted at /victims/)."""

from django.urls import path

from victims import views

app_name = "victims"

urlpatterns = [
    # Victim-witness records (law enforcement, prosecution).
    path("", views.victim_list, name="list"),
    path("new/", views.victim_create, name="create"),
    path("<int:pk>/", views.victim_detail, name="detail"),
    path("<int:pk>/edit/", views.victim_edit, name="edit"),
    path("<int:pk>/notifications/new/", views.notification_create, name="notification-create"),
    # Referrals (any agency sends; the provider answers).
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/accept/", views.referral_accept, name="referral-accept"),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="referral-decline"),
    path("referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral-withdraw"),
    path("referrals/<int:pk>/close/", views.referral_close, name="referral-close"),
    # Client records (service providers) and their files.
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<int:pk>/", views.client_detail, name="client-detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client-edit"),
    path("clients/<int:pk>/exit/", views.client_exit, name="client-exit"),
    path("clients/<int:pk>/services/new/", views.service_create, name="service-create"),
    path("clients/<int:pk>/assessments/new/", views.assessment_create, name="assessment-create"),
    path("clients/<int:pk>/plans/new/", views.plan_create, name="plan-create"),
    path("clients/<int:pk>/notes/new/", views.note_create, name="note-create"),
    path("clients/<int:pk>/consents/new/", views.consent_create, name="consent-create"),
    # Releases of information.
    path("consents/<int:pk>/", views.consent_detail, name="consent-detail"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent-revoke"),
    path("releases/", views.release_list, name="releases"),
    # Immigration relief.
    path("relief/new/", views.relief_create, name="relief-create"),
    path("relief/<int:pk>/", views.relief_detail, name="relief-detail"),
    path("relief/<int:pk>/edit/", views.relief_edit, name="relief-edit"),
]
