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
]
