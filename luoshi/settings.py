"""luoshi settings: one module, driven by the environment.

Environment variables (all optional on a single machine):

- ``LUOSHI_ENV``: ``development`` (default), ``production`` or ``test``.
- ``SECRET_KEY``: required in production; a throwaway key is generated per data directory otherwise.
- ``DATABASE_URL``: e.g. ``postgres://luoshi@127.0.0.1:5432/luoshi``; SQLite under the data
  directory by default.
- ``ALLOWED_HOSTS``: comma-separated host names; required in production.
- ``REDIS_URL``: use Redis for the job queue and the cache instead of SQLite and local memory.
- ``LUOSHI_STORAGE_URL``: keep evidence files in S3-compatible object storage instead of the data
  directory, e.g. ``s3://ACCESS_KEY:SECRET_KEY@bucket/prefix?endpoint=http://10.0.0.9:9000&region=cn-north-1``
  (see ``object_storage``).
- ``LUOSHI_DATA_DIR``: where the SQLite database, uploads and collected static files live
  (default ``./var``).
- ``LUOSHI_DEMO``: ``1`` to run as the demo county (default on in development, off elsewhere).
- ``LUOSHI_TODAY``: pin the date the system treats as today (ISO date); the demo pins 2023-07-25.
- ``DEBUG``: ``1`` for a developer's debugging pages (or ``luoshi run --debug``); off by default
  everywhere, ``make run`` included. Refused in production.
- ``LUOSHI_LOGIN_FAILURE_LIMIT``, ``LUOSHI_LOGIN_LOCKOUT_MINUTES``: failed logins allowed per account and
  per address, and how long a lockout lasts (5 and 30).
- ``LUOSHI_TRUSTED_PROXY_COUNT``: how many proxies of ours stand in front of the app (0: the client's
  address is REMOTE_ADDR; 1 behind the nginx of deploy/).
- ``LUOSHI_IDLE_TIMEOUT_MINUTES``: log out a session untouched this long (30).
- ``LUOSHI_IMPORT_MAX_MB``, ``LUOSHI_IMPORT_MAX_UNPACKED_MB``, ``LUOSHI_IMPORT_MAX_ROWS``,
  ``LUOSHI_IMPORT_MAX_ERRORS``, ``LUOSHI_IMPORT_SYNC_ROWS``: Excel imports: the largest upload, what
  it may unpack to, the most rows, the errors listed, and above how many rows the web import runs as
  a job (10, 50, 20000, 200, 500).
- ``LUOSHI_AUDIT_RETENTION_DAYS``: how long the audit log keeps its rows (180, the legal minimum,
  or longer).
- ``LUOSHI_JOB_WORKERS``, ``LUOSHI_JOB_WORKER_TYPE``: the job worker's workers (2) and their kind
  (thread; process spreads a province's recomputation over the cores).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, minimum: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} 应为整数，当前为 {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} 不能小于 {minimum}，当前为 {number}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


LUOSHI_ENV = os.environ.get("LUOSHI_ENV", "development").strip().lower()
if LUOSHI_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"LUOSHI_ENV 只能是 development、production 或 test，当前为 {LUOSHI_ENV!r}")
PRODUCTION = LUOSHI_ENV == "production"
TESTING = LUOSHI_ENV == "test"

DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR") or BASE_DIR / "var").resolve()
if not TESTING:
    DATA_DIR.mkdir(parents=True, exist_ok=True)

# Off unless a developer asks for it: with DEBUG on, a wrong address lists every URL of the app and
# an error shows its traceback to whoever is at the screen. `make run` is what users run.
DEBUG = env_flag("DEBUG", default=False)


def _secret_key() -> str:
    configured = os.environ.get("SECRET_KEY", "").strip()
    if PRODUCTION:
        if len(configured) < 50 or len(set(configured)) < 5 or configured.startswith("django-insecure"):
            raise ImproperlyConfigured(
                "生产模式需要真实的 SECRET_KEY（至少 50 个字符的随机串），"
                "例如：python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return configured
    if configured:
        return configured
    if TESTING:
        return "test-only-" + "x" * 50
    # A development machine gets its own key, kept beside its database, never in the repository.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产模式不允许开启 DEBUG：请去掉 DEBUG=1。")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产模式需要设置 ALLOWED_HOSTS（逗号分隔的域名或地址）。")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LUOSHI_DEMO = env_flag("LUOSHI_DEMO", default=LUOSHI_ENV == "development")
if PRODUCTION and LUOSHI_DEMO:
    raise ImproperlyConfigured("生产模式不能以演示模式运行：请去掉 LUOSHI_DEMO=1。")

# The demo county lives on the day of the plenary meeting; a real deployment reads the clock.
DEMO_DATE = date(2023, 7, 25)
_today = os.environ.get("LUOSHI_TODAY", "").strip()
LUOSHI_TODAY: date | None = date.fromisoformat(_today) if _today else (DEMO_DATE if LUOSHI_DEMO else None)

INSTALLED_APPS = [
    "luoshi.core",
    "luoshi.audit",
    "luoshi.org",
    "luoshi.items",
    "luoshi.notifications",
    "luoshi.alerts",
    "luoshi.indicators",
    "luoshi.projects",
    "luoshi.investment",
    "luoshi.enterprises",
    "luoshi.creations",
    "luoshi.commitments",
    "luoshi.rectification",
    "luoshi.dashboard",
    "luoshi.bulletins",
    "luoshi.assessment",
    "luoshi.webhooks",
    "luoshi.extraction",
    "luoshi.api",
    "luoshi.yearend",
    "luoshi.help",
    "luoshi.web",
    "luoshi.bench",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "axes",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "luoshi.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Binds each request for the audit log (who, from where) and records its refusals (403, 429).
    "luoshi.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "luoshi.web.middleware.IdleTimeoutMiddleware",
    "luoshi.web.middleware.IdsInRangeMiddleware",
    # A one-time password (luoshi init, an organisation import) is changed before anything else.
    "luoshi.web.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "luoshi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.web.context_processors.luoshi",
            ],
        },
    },
]

# Database: SQLite under the data directory unless DATABASE_URL says otherwise.
SQLITE_OPTIONS = {
    # WAL lets the web server read while the job worker writes; IMMEDIATE transactions and a
    # busy timeout make concurrent writers wait instead of failing with "database is locked".
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "luoshi.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

# Passwords (等级保护 2.0): at least 10 characters of at least three of upper case, lower case, digits
# and symbols, without the username, not like the user's names, not a common password. Checked where a
# password is chosen: the password-change page, the admin's user forms, `luoshi createsuperuser`.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "first_name", "last_name", "email")},
    },
    {
        "NAME": "luoshi.web.passwords.PasswordStrengthValidator",
        "OPTIONS": {"min_length": 10, "min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Failed logins (等级保护 2.0, django-axes). Each failure counts against the account tried and against
# the address it came from, each on its own (AXES_LOCKOUT_PARAMETERS: username OR address): at the
# limit, that account cannot log in from anywhere and that address cannot log in to any account, for
# the lockout time counted from the last failure (a try during the lockout starts it again), even
# with the right password. So one address cannot try many accounts, nor many addresses one account.
# A superuser unlocks in 系统管理 (deleting axes' access attempt), or an operator with
# `luoshi axes_reset_username NAME` / `luoshi axes_reset_ip ADDRESS`. Attempts are rows in the shared
# database: every app server sees them.
LUOSHI_LOGIN_FAILURE_LIMIT = env_int("LUOSHI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LUOSHI_LOGIN_LOCKOUT_MINUTES = env_int("LUOSHI_LOGIN_LOCKOUT_MINUTES", 30, minimum=1)
# Behind nginx every request comes from 127.0.0.1: without this, one address would stand for everyone.
# X-Forwarded-For is read only when it says how many proxies of ours append to it (see client_ip).
LUOSHI_TRUSTED_PROXY_COUNT = env_int("LUOSHI_TRUSTED_PROXY_COUNT", 0, minimum=0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LUOSHI_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LUOSHI_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "luoshi.core.http.client_ip"
AXES_LOCKOUT_CALLABLE = "luoshi.web.views.login_locked_out"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end libraries come from npm (package-lock.json); `npm run build` copies the files the
# pages use into assets/vendor, and the app serves them itself: no CDN, no external font.
STATICFILES_DIRS = [BASE_DIR / "assets"] if (BASE_DIR / "assets").is_dir() else []
MEDIA_URL = "/media/"  # never served directly: evidence goes through a permission-checking view
MEDIA_ROOT = DATA_DIR / "uploads"


def object_storage(url: str, env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The storage for LUOSHI_STORAGE_URL, S3-compatible object storage shared by every app server:

        s3://ACCESS_KEY:SECRET_KEY@BUCKET/PREFIX?endpoint=http://10.0.0.9:9000&region=cn-north-1

    The keys may instead come from LUOSHI_STORAGE_ACCESS_KEY and LUOSHI_STORAGE_SECRET_KEY (or, with
    neither, from boto3's own chain: AWS_ACCESS_KEY_ID…); a key with "/", "+" or "@" in the URL is
    percent-encoded. PREFIX is optional (a folder inside the bucket). Without `endpoint` it is Amazon
    S3 itself. `addressing` is `path` (bucket in the path, what MinIO, Ceph and most servers on a
    closed network expect; the default with an endpoint) or `virtual` (bucket in the host name, as
    Aliyun OSS and Tencent COS require).
    """
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            "LUOSHI_STORAGE_URL 的格式应为 s3://ACCESS_KEY:SECRET_KEY@存储桶/前缀?endpoint=http://地址:端口&region=区域"
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    known = {"endpoint", "region", "addressing"}
    unknown = sorted(set(query) - known)
    if unknown:
        raise ImproperlyConfigured(
            f"LUOSHI_STORAGE_URL 中有不认识的参数 {'、'.join(unknown)}：只能用 {'、'.join(sorted(known))}"
        )
    option = {name: values[-1].strip() for name, values in query.items()}
    endpoint = option.get("endpoint", "")
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"LUOSHI_STORAGE_URL 的 endpoint 应以 http:// 或 https:// 开头：{endpoint!r}"
        )
    addressing = option.get("addressing") or ("path" if endpoint else "auto")
    if addressing not in {"path", "virtual", "auto"}:
        raise ImproperlyConfigured(f"LUOSHI_STORAGE_URL 的 addressing 只能是 path 或 virtual：{addressing!r}")
    # The bucket is taken as written: urlsplit would lower-case the host part.
    bucket = parts.netloc.rpartition("@")[2]
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": unquote(parts.path).strip("/"),
        "addressing_style": addressing,
        # Objects stay private: no ACL is set, so the bucket's own (private) one applies. Evidence
        # is served only through the app's permission-checked view, which reads the object itself;
        # the browser never gets an address in the bucket. Should anything ask for a URL, it is
        # signed and lives for a minute.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        # Names are random (items.models.evidence_path): no need to ask the server whether one is taken.
        "file_overwrite": True,
        # A file being served is buffered in memory up to 2 MB, then in a temporary file.
        "max_memory_size": 2 * 1024 * 1024,
    }
    access_key = unquote(parts.username or "") or env.get("LUOSHI_STORAGE_ACCESS_KEY", "").strip()
    secret_key = unquote(parts.password or "") or env.get("LUOSHI_STORAGE_SECRET_KEY", "").strip()
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "对象存储需要同时提供 ACCESS_KEY 和 SECRET_KEY（或都不提供，由 AWS_* 环境变量提供）。"
        )
    if access_key:
        options |= {"access_key": access_key, "secret_key": secret_key}
    if endpoint:
        options["endpoint_url"] = endpoint
    if option.get("region"):
        options["region_name"] = option["region"]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# Evidence files (and their thumbnails): on the local disk under LUOSHI_DATA_DIR/uploads, or in
# object storage shared by several app servers when LUOSHI_STORAGE_URL is set. The URL may hold the
# secret key, so it is not kept as a setting (an error page would show it); the keys in STORAGES
# are hidden there by their names.
_storage_url = os.environ.get("LUOSHI_STORAGE_URL", "").strip()
STORAGES = {
    "default": (
        object_storage(_storage_url)
        if _storage_url
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# The cache is shared by every app server through Redis; without Redis it is each process's own
# memory, which is right for one machine only. Nothing may rely on it to hold state (sessions do not).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "luoshi",  # beside the job queue's keys in the same Redis
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database, which every app server shares: a login holds on any node and a
# logout ends the session on all of them. Not in the cache: a full Redis evicts keys (logging people
# out), and a process's local memory is not shared ("cached_db" would keep serving a session that
# another process has ended).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Jobs: Huey, on SQLite beside the database on one machine, on Redis when REDIS_URL is set.
# Tests run tasks immediately, in process. Threads suit one county (jobs wait on the database and
# the network); a province's recomputation fans out one job per county, which only processes spread
# over the cores (LUOSHI_JOB_WORKER_TYPE=process, LUOSHI_JOB_WORKERS = cores).
LUOSHI_JOB_WORKER_TYPE = os.environ.get("LUOSHI_JOB_WORKER_TYPE", "thread").strip() or "thread"
if LUOSHI_JOB_WORKER_TYPE not in {"thread", "process"}:
    raise ImproperlyConfigured(
        f"LUOSHI_JOB_WORKER_TYPE 只能是 thread 或 process，当前为 {LUOSHI_JOB_WORKER_TYPE!r}"
    )
HUEY: dict[str, object] = {
    "name": "luoshi",
    "immediate": TESTING,
    # Periodic jobs are scheduled in local time (Django sets the process time zone to TIME_ZONE).
    "utc": False,
    "consumer": {
        "workers": env_int("LUOSHI_JOB_WORKERS", 2, minimum=1),
        "worker_type": LUOSHI_JOB_WORKER_TYPE,
        "periodic": True,
    },
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "connection": {"url": REDIS_URL}}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "luoshi@localhost")

# Security. Production sits behind a TLS-terminating proxy (nginx) that sets X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
# A login lasts at most 12 hours from the moment it was made, however busy (the expiry is pinned at
# login), and ends after LUOSHI_IDLE_TIMEOUT_MINUTES without a page request (IdleTimeoutMiddleware;
# the unread badge's polling does not count).
SESSION_COOKIE_AGE = 60 * 60 * 12
LUOSHI_IDLE_TIMEOUT_MINUTES = env_int("LUOSHI_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
# The audit log (luoshi.audit) keeps every row at least 180 days, as 等级保护 2.0 asks; the job
# worker deletes older rows every day (`luoshi audit purge` does it by hand). The database itself
# refuses to delete a row younger than 180 days, whatever this says.
AUDIT_LEGAL_MINIMUM_DAYS = 180
LUOSHI_AUDIT_RETENTION_DAYS = env_int("LUOSHI_AUDIT_RETENTION_DAYS", AUDIT_LEGAL_MINIMUM_DAYS, minimum=1)
if LUOSHI_AUDIT_RETENTION_DAYS < AUDIT_LEGAL_MINIMUM_DAYS:
    raise ImproperlyConfigured(
        f"LUOSHI_AUDIT_RETENTION_DAYS 不能小于 {AUDIT_LEGAL_MINIMUM_DAYS}：等级保护 2.0 要求审计记录至少保存"
        f" {AUDIT_LEGAL_MINIMUM_DAYS} 天（当前为 {LUOSHI_AUDIT_RETENTION_DAYS}）。"
    )
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Supervision: evidence files and reminders (催办).
LUOSHI_EVIDENCE_MAX_MB = int(os.environ.get("LUOSHI_EVIDENCE_MAX_MB", "20"))
# Excel imports: a workbook is a zip, and a small upload can unpack to gigabytes of XML. The upload,
# what it unpacks to and the rows read are capped before and while openpyxl reads it; errors are
# listed up to a number (the rest counted); a sheet of more rows than the web answers at once is
# checked and written by the job worker, with a progress page.
LUOSHI_IMPORT_MAX_MB = env_int("LUOSHI_IMPORT_MAX_MB", 10, minimum=1)
LUOSHI_IMPORT_MAX_UNPACKED_MB = env_int("LUOSHI_IMPORT_MAX_UNPACKED_MB", 50, minimum=1)
LUOSHI_IMPORT_MAX_ROWS = env_int("LUOSHI_IMPORT_MAX_ROWS", 20000, minimum=1)
LUOSHI_IMPORT_MAX_ERRORS = env_int("LUOSHI_IMPORT_MAX_ERRORS", 200, minimum=1)
LUOSHI_IMPORT_SYNC_ROWS = env_int("LUOSHI_IMPORT_SYNC_ROWS", 500, minimum=0)
# Remind this many working days before a deadline, a milestone or a report's due day, on the day,
# and when overdue on the first working day after it and then every N working days.
# The unit whose members record the deputies' year-end survey of the livelihood projects.
LUOSHI_SURVEY_UNIT = os.environ.get("LUOSHI_SURVEY_UNIT", "县人大办").strip() or "县人大办"
LUOSHI_REMIND_WORKDAYS_BEFORE = int(os.environ.get("LUOSHI_REMIND_WORKDAYS_BEFORE", "3"))
LUOSHI_OVERDUE_REMIND_EVERY = int(os.environ.get("LUOSHI_OVERDUE_REMIND_EVERY", "5"))
# Investment leads (招商引资): remind the follower of an open lead with no follow-up for N days; a
# signed lead not landed turns yellow after N days, red (and its landing an item) after M days.
LUOSHI_INVESTMENT_FOLLOW_UP_DAYS = env_int("LUOSHI_INVESTMENT_FOLLOW_UP_DAYS", 30, minimum=1)
LUOSHI_INVESTMENT_LANDING_YELLOW_DAYS = env_int("LUOSHI_INVESTMENT_LANDING_YELLOW_DAYS", 60, minimum=1)
LUOSHI_INVESTMENT_LANDING_RED_DAYS = env_int("LUOSHI_INVESTMENT_LANDING_RED_DAYS", 90, minimum=1)
# Group robots (企业微信, 钉钉): a unit's robot address must be https on one of these hosts, and the
# job worker posts only to public addresses of them (no redirects, no proxy from the environment).
LUOSHI_WEBHOOK_HOSTS = [
    host.lower().rstrip(".")
    for host in env_list("LUOSHI_WEBHOOK_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
]
# A region's event subscriptions (luoshi.webhooks) post to systems of its own (a work-bench page,
# a city's big screen): https on one of these hosts only, the system administrator's list; none
# by default. The checks are the robots' (public addresses only, no redirects); the gateway below
# serves both.
LUOSHI_WEBHOOK_OUT_HOSTS = [host.lower().rstrip(".") for host in env_list("LUOSHI_WEBHOOK_OUT_HOSTS", "")]
# An on-premise gateway that relays robot messages, e.g. on the government network: its origin,
# "https://robot-gw.example.gov.cn" or "http://10.0.0.9:8080" (plain http only when written so).
# It alone may sit on a private address.
LUOSHI_WEBHOOK_GATEWAY = os.environ.get("LUOSHI_WEBHOOK_GATEWAY", "").strip().rstrip("/")
if LUOSHI_WEBHOOK_GATEWAY:
    _gateway = urlsplit(
        LUOSHI_WEBHOOK_GATEWAY if "://" in LUOSHI_WEBHOOK_GATEWAY else f"https://{LUOSHI_WEBHOOK_GATEWAY}"
    )
    try:
        _gateway_port = _gateway.port
    except ValueError:
        _gateway_port = -1
    if (
        _gateway.scheme not in {"http", "https"}
        or not _gateway.hostname
        or _gateway_port == -1
        or _gateway.path
        or _gateway.query
        or _gateway.username
    ):
        raise ImproperlyConfigured(
            "LUOSHI_WEBHOOK_GATEWAY 应为网关的协议、主机和端口，如 https://robot-gw.example.gov.cn 或 "
            f"http://10.0.0.9:8080，当前为 {LUOSHI_WEBHOOK_GATEWAY!r}"
        )

# The extractor runs on rules alone. A county with its own model server may add it: any server with
# an OpenAI-compatible chat-completions API (e.g. http://10.0.0.5:8000/v1). Never needed.
LUOSHI_LLM_URL = os.environ.get("LUOSHI_LLM_URL", "").strip().rstrip("/")
LUOSHI_LLM_MODEL = os.environ.get("LUOSHI_LLM_MODEL", "").strip()
LUOSHI_LLM_API_KEY = os.environ.get("LUOSHI_LLM_API_KEY", "").strip()
LUOSHI_LLM_TIMEOUT = int(os.environ.get("LUOSHI_LLM_TIMEOUT", "120"))
# the longest answer asked for (a 20,000-character speech has some 60 tasks: about 6,000 tokens)
LUOSHI_LLM_MAX_TOKENS = int(os.environ.get("LUOSHI_LLM_MAX_TOKENS", "8192"))
# "立即" in a speech is given this many working days from the meeting (the office's time limit),
# so that an item is not overdue on the day it is assigned.
LUOSHI_IMMEDIATE_WORKDAYS = int(os.environ.get("LUOSHI_IMMEDIATE_WORKDAYS", "5"))

# The REST API (/api/v1, luoshi/api): personal API tokens for other systems and phone clients, the
# session (with its CSRF check) for the app's own pages; errors in one Chinese JSON shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "luoshi.api.authentication.TokenAuthentication",
        "luoshi.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "luoshi.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "luoshi.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "落实 luoshi API",
    "DESCRIPTION": "县级督查督办系统的接口（/api/v1）。认证：个人 API 令牌（Authorization: Bearer <令牌>），"
    '或本系统页面的登录会话。错误一律为 {"error": {"code", "message", "fields"}}。',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "luoshi.items.models.Status",
        "ReportStatusEnum": "luoshi.items.models.ReportStatus",
        "BulletinStatusEnum": "luoshi.bulletins.models.BulletinStatus",
        "UnitKindEnum": "luoshi.org.models.Unit.Kind",
        "ActionKindEnum": "luoshi.items.models.ActionKind",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "luoshi": {"level": "INFO"},
        "huey": {"level": "INFO"},
    },
}

# With DEBUG on, static files come straight from the source folders; otherwise from the files that
# `luoshi run` (or `luoshi collectstatic`) collected into STATIC_ROOT, with hashed names.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
