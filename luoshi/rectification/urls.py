from django.urls import path

from luoshi.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("import/", views.import_sheet, name="import"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
