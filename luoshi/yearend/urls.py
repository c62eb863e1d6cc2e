from django.urls import path

from luoshi.yearend import views

app_name = "yearend"
urlpatterns = [
    path("", views.close, name="close"),
    path("next/", views.next_year, name="next_year"),
    path("import/", views.breakdown_import, name="import"),
    path("template.xlsx", views.breakdown_template, name="template"),
]
