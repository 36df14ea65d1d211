"""Rehabit settings: one module, driven by environment variables.

Zero setup by default (SQLite file and a filesystem Celery broker under ./var);
production points DATABASE_URL at PostgreSQL and CELERY_BROKER_URL at Redis.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REHABIT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Secure by default: development turns DEBUG on explicitly (the Makefile does).
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production; for development set DEBUG=1."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tracker",
    "accounts",
    "patient",
    "workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so every response (errors and the lockout page too) carries the policy.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: request.user.is_verified() says whether this session gave a code
    # (accounts.middleware.TwoFactorMiddleware relies on it).
    "django_otp.middleware.OTPMiddleware",
    # After authentication: sets each role's idle timeout on the session.
    "accounts.middleware.SessionExpiryMiddleware",
    # After authentication and htmx: two-factor sign-in for clinic therapists, answered from
    # the session (no query on an ordinary page).
    "accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes requires: it turns a flagged lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rehabit.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not :memory:) for the test database, so a real Celery worker process and the
    # browser tests' live server see the same data as the test.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-rehabit.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server, the worker and beat read while one of them writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Kept open between requests like PostgreSQL's (DB_CONN_MAX_AGE): opening a SQLite
    # connection reads the whole schema and runs the pragmas, 1.5 ms on every request.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "tracker.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the signed-in user with their clinic and profile.
    "accounts.sign_in.ClinicUserBackend",
]
# User.email is unique among the accounts that sign in (a partial unique index), not among
# held accounts, and the backend looks up only those (UserManager.get_by_natural_key).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login throttling (django-axes) ---------------------------------------------------------
# Two limits, counted over the cool-off window:
# - 5 failures for one account from one address lock that account on that address — enough
#   for a patient fumbling a password on a phone, far too few to guess one;
# - 10 failures for one account from anywhere lock the account, so spreading a guessing run
#   over many addresses does not help. The per-account limit is higher so that one stranger
#   cannot lock a real patient out as quickly as the patient locks themself out.
# Addresses are never locked on their own: a clinic's patients may share one NAT address.
# Lockouts end by themselves after AXES_COOLOFF_TIME; nothing is permanent, so locking out a
# real user costs an attacker a steady effort and never more than a 15-minute wait.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = 5  # per account and address; the per-account limit is below
REHABIT_AXES_ACCOUNT_FAILURE_LIMIT = 10
AXES_HANDLER = "accounts.throttling.RehabitAxesHandler"
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Attempts made while locked out are refused without being counted, so hammering a locked
# account does not keep pushing its cool-off further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Emails are case-insensitive: Pat@x and pat@x are one account to the lockout.
AXES_USERNAME_CALLABLE = "accounts.throttling.lockout_username"
# Behind the TLS proxy every REMOTE_ADDR is the proxy's; the client's address is the last
# X-Forwarded-For entry, the one our proxy appended (the earlier ones the client can forge).
AXES_CLIENT_IP_CALLABLE = "tracker.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Our login form posts the email in a field called "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
# Wrong sign-in codes count too (accounts.views.two_factor); what was typed is not kept.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# --- Password reset ---------------------------------------------------------------------------
# Requests for a reset link are counted in Django's cache over one window: a few per email
# (a patient who asks again because the first mail is slow still gets one), more per address
# (a clinic's patients may share one). Past the email's limit the page answers exactly as
# usual and sends nothing, so it says nothing about whether the account exists; past the
# address's limit it asks to wait. PASSWORD_RESET_TIMEOUT (Django's default, 3 days) also
# bounds invitation links (tracker.services.invites), so it stays as it is.
REHABIT_PASSWORD_RESET_PER_EMAIL = 3
REHABIT_PASSWORD_RESET_PER_ADDRESS = 20
REHABIT_PASSWORD_RESET_WINDOW = timedelta(hours=1)

# --- Two-factor sign-in (django-otp) --------------------------------------------------------
# An authenticator app (TOTP) plus single-use recovery codes. A code is accepted once (the
# device remembers the last time step it took) and one step either side of now, so a phone
# whose clock is up to 30 seconds off still works. After each wrong code the device waits
# 1, 2, 4, 8… seconds before it checks another one; the account lockout above counts too.
OTP_TOTP_ISSUER = "Rehabit"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The Django admin lists devices but never shows an app's key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Sessions -------------------------------------------------------------------------------
# accounts.middleware.SessionExpiryMiddleware sets each session's expiry on every request:
# therapists (who see whole caseloads, often on shared clinic machines) are logged off after
# 30 idle minutes; patients, on their own phones, after 14 idle days.
REHABIT_THERAPIST_IDLE_TIMEOUT = timedelta(minutes=30)
REHABIT_PATIENT_IDLE_TIMEOUT = timedelta(days=14)
SESSION_COOKIE_AGE = int(REHABIT_PATIENT_IDLE_TIMEOUT.total_seconds())
# Kept in the database and read through the cache: a signed-in request reads its session
# from the cache, and a session the cache lost is read from the database again.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Cache ----------------------------------------------------------------------------------
# Sessions and each patient's plan for Today live here. Production sets CACHE_URL to a Redis
# server (redis://host:6379/1; not the broker's database number). Without it the cache is
# files under the var folder: the web processes, the worker and beat of `make run` share
# them, where a memory cache per process would let one process keep a session that another
# has ended. Only what fits in a few thousand entries is kept there.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "rehabit",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- Internationalisation: every user-facing string is marked; English only for now. --------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
TIME_ZONE = "UTC"  # storage and servers in UTC; each user has their own time zone
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# The built-in library's drawings live with its data files and are served as
# /static/tracker/illustrations/<slug>.svg (same origin, so the strict CSP allows them).
STATICFILES_DIRS = [("tracker/illustrations", BASE_DIR / "tracker" / "content" / "illustrations")]
if DEBUG:
    # Development serves from the apps' folders; an empty root keeps WhiteNoise quiet.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# --- Uploaded media (clinics' logos, pictures and videos) ---------------------------------
# Never served from a public URL: the authorized views in patient/ and workspace/ hand out each
# file, streaming it from the folder below, or (object store) redirecting to a signed URL that
# expires after MEDIA_URL_EXPIRY_SECONDS. So there is no MEDIA_URL route anywhere.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
REHABIT_MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")  # "local" or "s3"
REHABIT_MEDIA_URL_EXPIRY = int(os.environ.get("MEDIA_URL_EXPIRY_SECONDS", "300"))
_media_storage: dict[str, object] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    # No "location": the storage follows MEDIA_ROOT, so tests may point it at their own folder.
    "OPTIONS": {"file_permissions_mode": 0o640},
}
# Where signed media URLs point (added to the CSP's img-src and media-src), if anywhere.
REHABIT_MEDIA_ORIGIN = ""
if REHABIT_MEDIA_STORAGE == "s3":
    # Any S3-compatible store (AWS S3, MinIO, Ceph, Garage, Scaleway, R2…) through
    # django-storages. The bucket stays private: every URL is signed and short-lived.
    _s3_endpoint = os.environ.get("MEDIA_S3_ENDPOINT_URL", "")
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": _s3_endpoint or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": os.environ.get("MEDIA_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,
            "querystring_expire": REHABIT_MEDIA_URL_EXPIRY,
            "file_overwrite": False,
            "location": os.environ.get("MEDIA_S3_PREFIX", ""),
        },
    }
    REHABIT_MEDIA_ORIGIN = os.environ.get("MEDIA_S3_ORIGIN", "")
    if not REHABIT_MEDIA_ORIGIN and _s3_endpoint:
        _parts = urlsplit(_s3_endpoint)
        REHABIT_MEDIA_ORIGIN = f"{_parts.scheme}://{_parts.netloc}"
elif REHABIT_MEDIA_STORAGE != "local":
    raise ImproperlyConfigured('MEDIA_STORAGE must be "local" or "s3".')
# Upload limits (also cap request sizes at the proxy). A picture is re-encoded to at most
# 1600 px on its longest side; a video is kept as sent, so its own size is what phones load.
REHABIT_MEDIA_IMAGE_MAX_BYTES = int(os.environ.get("MEDIA_IMAGE_MAX_BYTES", 15 * 1024 * 1024))
REHABIT_MEDIA_IMAGE_MAX_PIXELS = int(os.environ.get("MEDIA_IMAGE_MAX_PIXELS", 50_000_000))
REHABIT_MEDIA_VIDEO_MAX_BYTES = int(os.environ.get("MEDIA_VIDEO_MAX_BYTES", 30 * 1024 * 1024))
REHABIT_MEDIA_VIDEO_MAX_SECONDS = int(os.environ.get("MEDIA_VIDEO_MAX_SECONDS", 60))
REHABIT_MEDIA_PER_EXERCISE = 8

STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------------------------
# Django 6.1 mailers. Development prints mail to the console; production sends over SMTP
# (EMAIL_HOST and friends).
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    _email_options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rehabit <no-reply@rehabit.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# The default broker is kombu's filesystem transport: the worker and beat run for real with
# no server installed. Production sets CELERY_BROKER_URL=redis://…
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # An unacknowledged task comes back after 15 minutes: longer than any task runs or any
    # retry waits (8 minutes at most), so a running or waiting task is not redelivered, yet
    # short enough that a task lost with its worker is not delivered hours late. The owed
    # rows' 5-minute lease and the sweeper every minute usually get there first; a task that
    # comes back later finds its row claimed or sent and does nothing (README, "Running in
    # production"). A down Redis is given up on within 2 s, so publishing never holds up
    # a request.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 15 * 60,
        "socket_connect_timeout": 2,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a worker killed mid-task leaves it to another
# worker; the tasks themselves are idempotent, which makes the redelivery harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep their database connection between tasks on the web server's terms (see
# config/celery.py); Celery's own fix-up then closes it only every this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Schedules live in the database as next-due timestamps; beat only wakes the dispatchers.
_DISPATCH_EVERY = timedelta(seconds=int(os.environ.get("REHABIT_DISPATCH_SECONDS", "60")))
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "tracker.tasks.heartbeat", "schedule": _DISPATCH_EVERY},
    "dispatch-due-reminders": {
        "task": "tracker.tasks.dispatch_due_reminders",
        "schedule": _DISPATCH_EVERY,
    },
    "dispatch-due-evaluations": {
        "task": "tracker.tasks.dispatch_due_evaluations",
        "schedule": _DISPATCH_EVERY,
    },
    "dispatch-due-digests": {
        "task": "tracker.tasks.dispatch_due_digests",
        "schedule": _DISPATCH_EVERY,
    },
    # Owed notifications whose task was lost are woken again (or skipped when too late).
    "sweep-owed-notifications": {
        "task": "tracker.tasks.sweep_owed_notifications",
        "schedule": _DISPATCH_EVERY,
    },
    # Checked import files nobody imported: patient data kept no longer than it is needed.
    "delete-expired-import-stagings": {
        "task": "tracker.tasks.delete_expired_import_stagings",
        "schedule": timedelta(minutes=10),
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles: scripts are our static files or carry the per-response nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([REHABIT_MEDIA_ORIGIN] if REHABIT_MEDIA_ORIGIN else [])],
    # blob: lets the upload form's script open the video just chosen (to take its still
    # picture); a blob URL is only ever made by this page's own scripts, from local files.
    "media-src": [
        CSP.SELF,
        "blob:",
        *([REHABIT_MEDIA_ORIGIN] if REHABIT_MEDIA_ORIGIN else []),
    ],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
REHABIT_BEHIND_PROXY = False  # production behind the TLS proxy turns it on below
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        REHABIT_BEHIND_PROXY = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Web push (VAPID) ----------------------------------------------------------------------
# Generate a key pair once (see README); without keys, push is simply not offered.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@rehabit.test")
# A browser names its own push service, so the address comes from the patient's phone: only
# the browser vendors' services are accepted (Chrome, Edge's Chromium and most others: FCM;
# Firefox: Mozilla autopush; legacy Edge: WNS; Safari: Apple). "*.host" matches subdomains,
# "host:port" a port other than the scheme's own.
WEB_PUSH_ALLOWED_HOSTS = env_list(
    "WEB_PUSH_ALLOWED_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,*.notify.windows.com,*.push.apple.com",
)
# Push never reaches a private, loopback, link-local or reserved address, whatever a push
# host resolves to, unless its network is listed here (CIDR, comma-separated; normally none).
WEB_PUSH_ALLOWED_NETWORKS = env_list("WEB_PUSH_ALLOWED_NETWORKS")
# Phones (browsers) one patient may receive push on; a new one beyond it replaces the oldest.
WEB_PUSH_MAX_SUBSCRIPTIONS = 5

# --- Product defaults -----------------------------------------------------------------------
REHABIT_DEFAULT_REMINDER_TIME = "18:00"
# Where links in emails point. `make run` sets it to the address it serves; production sets
# the public address; the default fits `manage.py runserver` on its usual port.
REHABIT_SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The largest CSV file a clinic admin may upload on the import page. Django keeps a bigger
# upload in a temporary file until the form refuses it: cap request sizes at the proxy too.
REHABIT_IMPORT_MAX_BYTES = int(os.environ.get("REHABIT_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# How long checked import files wait for "Import now" before they are thrown away.
REHABIT_IMPORT_STAGING_TTL = timedelta(hours=1)
