from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults

from luoshi.api import errors as api_errors
from luoshi.api import pages as api_pages
from luoshi.dashboard import views as dashboard_views
from luoshi.items import views as items_views
from luoshi.web import audit_views
from luoshi.web import views as web_views
from luoshi.web.forms import LoginForm, PasswordChangeForm

admin.site.site_header = "落实 · 系统管理"
admin.site.site_title = "落实系统管理"
admin.site.index_title = "基础数据"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("work/", items_views.my_work, name="work"),
    path("dashboard/", include("luoshi.dashboard.urls")),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/api-tokens/", api_pages.token_list, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke/", api_pages.token_revoke, name="api_token_revoke"),
    path("api/v1/", include("luoshi.api.urls")),
    path("org/", include("luoshi.org.urls")),
    path("", include("luoshi.items.urls")),
    path("", include("luoshi.notifications.urls")),
    path("alerts/", include("luoshi.alerts.urls")),
    path("extraction/", include("luoshi.extraction.urls")),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("indicators/", include("luoshi.indicators.urls")),
    path("projects/", include("luoshi.projects.urls")),
    path("investment/", include("luoshi.investment.urls")),
    path("enterprises/", include("luoshi.enterprises.urls")),
    path("bulletins/", include("luoshi.bulletins.urls")),
    path("creations/", include("luoshi.creations.urls")),
    path("commitments/", include("luoshi.commitments.urls")),
    path("rectification/", include("luoshi.rectification.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("webhooks/", include("luoshi.webhooks.urls")),
    path("yearend/", include("luoshi.yearend.urls")),
    path("help/", include("luoshi.help.urls")),
    path("pending/<slug:key>/", web_views.pending, name="pending"),
    path("setup/", web_views.county_setup, name="setup"),
    path("healthz", web_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; under /api/ (an address no route matches, an id out of range) the API's JSON."""
    if request.path.startswith("/api/"):
        return JsonResponse(api_errors.body("not_found", api_errors.MESSAGES["not_found"]), status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found
