from django.urls import path

from luoshi.extraction import views

app_name = "extraction"
urlpatterns = [
    path("", views.document_list, name="documents"),
    path("new/", views.document_new, name="new"),
    path("<int:pk>/", views.document_review, name="review"),
    path("<int:pk>/text/", views.document_text, name="text"),
    path("<int:pk>/decide/", views.document_decide_all, name="decide_all"),
    path("tasks/<int:pk>/", views.task_decide, name="task"),
]
