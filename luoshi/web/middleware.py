"""What every request goes through: security headers, the idle timeout, the change of a one-time
password, ids out of range. The client's address is luoshi.core.http.client_ip, which the audit
log reads too (named here as well, where it was first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DataError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import resolve_url
from django.utils import timezone

from luoshi.core.http import client_ip as client_ip

# Scripts come only from our own files (no inline script, no eval): an injected <script> or
# onclick= does not run. Styles may be inline (Bootstrap's style attributes, htmx's indicator).
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and "Content-Security-Policy" not in response
        ):
            response["Content-Security-Policy"] = getattr(settings, "LUOSHI_CSP", DEFAULT_POLICY)
        return response


ACTIVITY_KEY = "luoshi_last_activity"
# Requests a page makes on its own, not the user at work: the unread badge polls every 120 s, and an
# open tab must not stay logged in forever because of it.
BACKGROUND_VIEWS = frozenset({"notifications:unread"})
# The stamp is written at most once a minute: not a session write on every request.
STAMP_EVERY = 60
IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录。"


class IdleTimeoutMiddleware:
    """Log out a session left untouched for LUOSHI_IDLE_TIMEOUT_MINUTES, on its next request.

    Only page requests count as activity, not background polling (BACKGROUND_VIEWS). The absolute
    limit stays SESSION_COOKIE_AGE from the login: the session's expiry is pinned at the first
    stamp, so that writing the stamp does not push the expiry forward.

    Goes after AuthenticationMiddleware and MessageMiddleware and before LoginRequiredMiddleware,
    which sends a page request of a logged-out user to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The request that logged in (the login form) starts the clock.
        if request.user.is_authenticated and ACTIVITY_KEY not in request.session:
            _start(request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        now = int(timezone.now().timestamp())
        last = request.session.get(ACTIVITY_KEY)
        if not isinstance(last, int):
            _start(request)
            return None
        if now - last >= settings.LUOSHI_IDLE_TIMEOUT_MINUTES * 60:
            return _idle_logout(request)
        match = request.resolver_match
        background = match is not None and match.view_name in BACKGROUND_VIEWS
        if not background and now - last >= STAMP_EVERY:
            request.session[ACTIVITY_KEY] = now
        return None


def _start(request: HttpRequest) -> None:
    now = timezone.now()
    request.session[ACTIVITY_KEY] = int(now.timestamp())
    request.session.set_expiry(now + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def _idle_logout(request: HttpRequest) -> HttpResponse | None:
    logout(request)
    messages.info(request, IDLE_MESSAGE)
    if request.headers.get("HX-Request"):
        # An htmx request (the badge's poll) would put the login page inside the badge: the
        # whole page goes to the login page instead, and comes back to where it was after it.
        login_url = resolve_url(settings.LOGIN_URL)
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        if page.path:
            login_url = redirect_to_login(page.path + (f"?{page.query}" if page.query else ""), login_url).url
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login_url
        return response
    # A page request: LoginRequiredMiddleware sends it to the login page, which shows the message.
    return None


# Where a user who must change his one-time password may still go: the change itself, logging out,
# and what the change page needs.
PASSWORD_CHANGE_VIEWS = frozenset({"password_change", "password_change_done", "logout", "healthz"})


class PasswordChangeRequiredMiddleware:
    """Send a user flagged `must_change_password` (an account given a one-time password by
    `luoshi init` or an organisation import) to the password page until he has changed it.

    Goes after AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not getattr(user, "must_change_password", False):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PASSWORD_CHANGE_VIEWS:
            return None
        if request.path.startswith(settings.STATIC_URL or "/static/"):
            return None
        target = resolve_url("password_change")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        # The password page says why (registration/password_change_form.html).
        return HttpResponseRedirect(target)


# The largest id a database column holds (a signed 64-bit integer, on SQLite and PostgreSQL alike).
LARGEST_ID = 2**63 - 1


class IdsInRangeMiddleware:
    """A URL's id beyond what any row can have is a page that does not exist: 404, not the database's
    OverflowError (SQLite) or "out of range" (PostgreSQL) as a 500. `<int:…>` accepts any number of
    digits; checked here once for every view rather than in each selector."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > LARGEST_ID:
                raise Http404("编号超出范围")
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A number posted beyond what the database holds (an id in a form or an API body) is the
        request's fault: 400 with a Chinese message, not a 500."""
        if not _out_of_range(exception):
            return None
        message = "提交的数值超出范围。"
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": "invalid", "message": message}}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _out_of_range(exception: BaseException) -> bool:
    # SQLite: OverflowError; PostgreSQL: DataError caused by psycopg's NumericValueOutOfRange.
    if isinstance(exception, OverflowError):
        return True
    cause = exception.__cause__
    return isinstance(exception, DataError) and type(cause).__name__ == "NumericValueOutOfRange"
