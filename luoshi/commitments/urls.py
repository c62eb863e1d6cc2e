from django.urls import path

from luoshi.commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("livelihood/new/", views.livelihood_create, name="livelihood_create"),
    path("livelihood/<int:pk>/", views.livelihood_detail, name="livelihood"),
    path("livelihood/<int:pk>/edit/", views.livelihood_edit, name="livelihood_edit"),
    path("livelihood/<int:pk>/progress/", views.livelihood_progress, name="livelihood_progress"),
    path("livelihood/<int:pk>/survey/", views.survey, name="survey"),
    path("pledges/new/", views.pledge_create, name="pledge_create"),
    path("pledges/<int:pk>/edit/", views.pledge_edit, name="pledge_edit"),
    path("letters/new/", views.letter_create, name="letter_create"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter_edit"),
]
