from django.urls import path

from luoshi.org import views

app_name = "org"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/phone/", views.person_phone, name="person_phone"),
    path("import/", views.organisation_import, name="import"),
    path("template.xlsx", views.organisation_template, name="template"),
    path("export.xlsx", views.organisation_export, name="export"),
]
