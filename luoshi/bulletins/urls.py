from django.urls import path

from luoshi.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_create, name="create"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="edit"),
    path("<int:pk>/preview/", views.bulletin_preview, name="preview"),
    path("<int:pk>/refresh/", views.bulletin_refresh, name="refresh"),
    path("<int:pk>/publish/", views.bulletin_publish, name="publish"),
    path("<int:pk>/bulletin.docx", views.bulletin_docx, name="docx"),
    path("<int:pk>/bulletin.pdf", views.bulletin_pdf, name="pdf"),
    path("<int:pk>/bulletin.html", views.bulletin_html, name="html"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/decisions/", views.meeting_decisions, name="meeting_decisions"),
    path("meetings/<int:pk>/refresh/", views.meeting_refresh, name="meeting_refresh"),
    path("meetings/<int:pk>/finalise/", views.meeting_finalise, name="meeting_finalise"),
    path("meetings/<int:pk>/assign/", views.meeting_assign_all, name="meeting_assign_all"),
    path("meetings/<int:pk>/pack.docx", views.meeting_docx, name="meeting_docx"),
    path("meetings/decisions/<int:pk>/assign/", views.decision_assign, name="decision_assign"),
]
