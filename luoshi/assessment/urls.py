from django.urls import path

from luoshi.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.rankings, name="rankings"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/compute/", views.scheme_compute, name="compute"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("groups/<int:pk>/criteria/new/", views.criterion_new, name="criterion_new"),
    path("criteria/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("units/<int:pk>/", views.unit_score, name="unit"),
    path("lines/<int:pk>/appeal/", views.appeal_new, name="appeal_new"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("records/", views.records, name="records"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/<int:pk>/decide/", views.record_decide, name="record_decide"),
    path("records/evidence/<int:pk>/", views.record_evidence, name="record_evidence"),
    path("city/", views.city, name="city"),
]
