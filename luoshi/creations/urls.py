from django.urls import path

from luoshi.creations import views

app_name = "creations"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.create, name="create"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_edit, name="template_create"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/plans/", views.plans, name="plans"),
    path("<int:pk>/stage/", views.move, name="move"),
    path("<int:pk>/reapply/", views.reapply, name="reapply"),
    path("materials/<int:pk>/tick/", views.tick, name="tick"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("checks/<int:pk>/done/", views.check_done, name="check_done"),
]
