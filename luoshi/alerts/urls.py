from django.urls import path

from luoshi.alerts import views

app_name = "alerts"
urlpatterns = [
    path("items/<int:pk>/colours/", views.item_colours, name="item_colours"),
    path("items/<int:pk>/assess/", views.item_assess, name="assess"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="decide"),
    path("consequences/", views.consequences, name="consequences"),
]
