from django.urls import path

from luoshi.help import views

app_name = "help"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:guide>/", views.guide, name="guide"),
]
