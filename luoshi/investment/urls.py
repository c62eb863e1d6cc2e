from django.urls import path

from luoshi.investment import views

app_name = "investment"
urlpatterns = [
    path("", views.leads, name="leads"),
    path("new/", views.lead_create, name="create"),
    path("funnel/", views.funnel, name="funnel"),
    path("lists/", views.lists, name="lists"),
    path("setup/<slug:kind>/", views.setup_list, name="setup"),
    path("setup/<slug:kind>/new/", views.setup_edit, name="setup_create"),
    path("setup/<slug:kind>/<int:pk>/", views.setup_edit, name="setup_edit"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/stage/", views.stage, name="stage"),
    path("<int:pk>/landing/", views.landing_open, name="landing"),
]
