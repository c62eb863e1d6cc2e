from django.urls import path

from luoshi.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscriptions, name="list"),
    path("new/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("<int:pk>/disable/", views.subscription_disable, name="disable"),
    path("<int:pk>/enable/", views.subscription_enable, name="enable"),
    path("<int:pk>/ping/", views.subscription_ping, name="ping"),
]
