from django.urls import path

from luoshi.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("taxes/import/", views.taxes_import, name="taxes_import"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/cultivate/", views.cultivate, name="cultivate"),
]
