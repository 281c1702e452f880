"""Browser pages of training, outreach, trend bulletins and the coverage matrix."""

from django.urls import path

from agencies import community_views as views

app_name = "community"

urlpatterns = [
    path("trainings/", views.training_list, name="training-list"),
    path("trainings/new/", views.training_create, name="training-create"),
    path("trainings/<int:pk>/", views.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training-edit"),
    path("trainings/<int:pk>/attendance/", views.attendance_create, name="attendance-create"),
    path("trainings/mine/", views.my_training, name="my-training"),
    path("trainings/people/<int:pk>/", views.training_history, name="training-history"),
    path("outreach/", views.outreach_list, name="outreach-list"),
    path("outreach/new/", views.outreach_create, name="outreach-create"),
    path("outreach/<int:pk>/", views.outreach_detail, name="outreach-detail"),
    path("outreach/<int:pk>/edit/", views.outreach_edit, name="outreach-edit"),
    path("bulletins/", views.bulletin_list, name="bulletin-list"),
    path("bulletins/new/", views.bulletin_create, name="bulletin-create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin-edit"),
    path("bulletins/<int:pk>/archive/", views.bulletin_archive, name="bulletin-archive"),
    path("coverage/", views.coverage, name="coverage"),
]
