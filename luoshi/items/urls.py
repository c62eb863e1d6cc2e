from django.urls import path

from luoshi.items import excel_views, views

app_name = "items"
urlpatterns = [
    path("items/", views.item_list, name="list"),
    path("items/new/", views.item_create, name="create"),
    path("items/import/", excel_views.item_import, name="import"),
    path("items/imports/<int:pk>/", excel_views.import_job, name="import_job"),
    path("items/template.xlsx", excel_views.item_template, name="template"),
    path("items/export.xlsx", excel_views.item_export, name="export"),
    path("items/<int:pk>/", views.item_detail, name="detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="edit"),
    path("items/<int:pk>/act/<slug:action>/", views.item_act, name="act"),
    path("items/<int:pk>/report/", views.report_create, name="report"),
    path("items/<int:pk>/instruct/", views.instruction_create, name="instruct"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("reports/<int:pk>/verify/", views.report_verify, name="verify"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/reject/", views.report_reject, name="report_reject"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/thumb/", views.evidence_file, {"thumbnail": True}, name="evidence_thumb"),
    path("instructions/<int:pk>/acknowledge/", views.instruction_acknowledge, name="instruction_ack"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_create, name="supervision_create"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
]
