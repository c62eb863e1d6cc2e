from django.urls import path

from luoshi.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("reserve/", views.reserve, name="reserve"),
    path("export.xlsx", views.ledger_export, name="export"),
    path("template.xlsx", views.ledger_template, name="template"),
    path("import/", views.ledger_import, name="import"),
    path("investments/import/", views.investments_import, name="investments_import"),
    path("signs.pdf", views.ledger_signs, name="signs"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/plan/", views.project_plan, name="plan"),
    path("<int:pk>/stage/", views.project_stage, name="stage"),
    path("<int:pk>/blockers/new/", views.blocker_add, name="blocker_add"),
    path("blockers/<int:pk>/resolve/", views.blocker_resolve, name="blocker_resolve"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/sign.pdf", views.project_sign, name="sign"),
    path("<int:pk>/replace/", views.project_replace, name="replace"),
    path("<int:pk>/assign/", views.project_assign, name="assign"),
    path("<int:pk>/site/", views.site_page, name="site"),
    path("items/<int:pk>/", views.item_projects, name="item_projects"),
    path("actions/<int:pk>/photos/", views.action_photos, name="action_photos"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("photos/<int:pk>/thumb/", views.photo_file, {"thumbnail": True}, name="photo_thumb"),
    path("blockers/<int:pk>/open-item/", views.blocker_open_item, name="blocker_open_item"),
]
