from django.urls import path

from luoshi.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.table, name="table"),
    path("catch-up/", views.catch_up_ledger, name="catch_up"),
    path("entry/", views.month_entry, name="entry"),
    path("import/", views.statistics_import, name="import"),
    path("new/", views.indicator_create, name="create"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/thumb/", views.evidence_file, {"thumbnail": True}, name="evidence_thumb"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/edit/", views.indicator_edit, name="edit"),
    path("<int:pk>/peers/", views.peer_entry, name="peers"),
    path("<int:pk>/verify/", views.value_verify, name="value_verify"),
    path("<int:pk>/catch-up/", views.catch_up_open, name="catch_up_open"),
]
