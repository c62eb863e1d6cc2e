from django.urls import path

from luoshi.commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("livelihood/<int:pk>/", views.livelihood_detail, name="livelihood"),
    path("livelihood/<int:pk>/progress/", views.livelihood_progress, name="livelihood_progress"),
    path("livelihood/<int:pk>/survey/", views.survey, name="survey"),
]
