from django.urls import path

from luoshi.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.table, name="table"),
    path("catch-up/", views.catch_up_ledger, name="catch_up"),
    path("entry/", views.month_entry, name="entry"),
    path("import/", views.statistics_import, name="import"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/verify/", views.value_verify, name="value_verify"),
    path("<int:pk>/catch-up/", views.catch_up_open, name="catch_up_open"),
]
