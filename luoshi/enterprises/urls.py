from django.urls import path

from luoshi.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("taxes/import/", views.taxes_import, name="taxes_import"),
    path("setup/<slug:kind>/", views.setup_list, name="setup"),
    path("setup/<slug:kind>/new/", views.setup_edit, name="setup_create"),
    path("setup/<slug:kind>/<int:pk>/", views.setup_edit, name="setup_edit"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/cultivate/", views.cultivate, name="cultivate"),
]
