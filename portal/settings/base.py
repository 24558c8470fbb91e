"""Project settings. Every value comes from the environment, with defaults that work for development."""

from pathlib import Path

import dj_database_url

from portal.settings.env import IS_PRODUCTION, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-secret-key-not-for-production", required_in_production=True)
DEBUG = env_bool("DJANGO_DEBUG", not IS_PRODUCTION)

# Tenants live on subdomains of this domain; the bare domain is the public (superadmin) site.
PORTAL_BASE_DOMAIN = env_str("PORTAL_BASE_DOMAIN", "localhost")
# Extra hostnames served by the public schema, so the address a development server prints works.
PORTAL_PUBLIC_EXTRA_DOMAINS = env_list("PORTAL_PUBLIC_EXTRA_DOMAINS", ["127.0.0.1"])
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    [PORTAL_BASE_DOMAIN, f".{PORTAL_BASE_DOMAIN}", *PORTAL_PUBLIC_EXTRA_DOMAINS],
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Applications --------------------------------------------------------------------------------
# Public schema: tenants, domains, superadmins, and the third-party apps every schema uses.
SHARED_APPS = [
    "django_tenants",
    "apps.core",
    "apps.tenants",
    "apps.preferences.site",
    "apps.livesettings",
    # The product's own preferences, notifications and live settings (declarations only, no tables).
    "apps.catalog",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "bootstrap",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Lists of values shared by every tenant (defaults once, custom values tagged with their tenant).
    "apps.projects.lists",
    # Login throttling; its failed attempts live beside the users they name, so in both kinds of schema.
    "axes",
    # Content-Security-Policy header on every response (the policy is CONTENT_SECURITY_POLICY below).
    "csp",
]
# Each tenant's schema: its own users, groups, permissions, sessions and data.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "rest_framework.authtoken",
    "apps.audit",
    "apps.accounts",
    "apps.preferences",
    "apps.notifications",
    "apps.lov",
    "apps.projects",
    "apps.people",
    "axes",
    # No tables; last, so its tenant_ready receiver runs after the others have seeded the new schema.
    "apps.bundles",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Set the PostgreSQL search_path once per schema switch, not before every query (half the round trips).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # Before everything: /healthz (no I/O) and /readyz answer whatever the host, without sessions or tenants.
    "apps.core.middleware.HealthCheckMiddleware",
    # Outside everything that queries: a request that failed because PostgreSQL is down answers 503.
    "apps.core.outage.DatabaseOutageMiddleware",
    # First of the rest: it picks the schema (and the urlconf) from the host name.
    "apps.tenants.middleware.TenantMiddleware",
    # Before anything that may answer early (CSRF refusals, maintenance, an expired session), so every
    # answer can tell htmx requests apart and carry Django messages.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside MessageMiddleware: it takes pending messages into htmx responses before they are stored.
    "apps.core.middleware.HtmxMessagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in person's pages and API answers are never stored by a cache.
    "apps.core.middleware.PrivateCacheMiddleware",
    # A person added with a one-time password changes it before anything else (apps.accounts).
    "apps.accounts.middleware.PasswordChangeRequiredMiddleware",
    # One Redis round trip per request: pins the site's and the tenant's preference snapshots.
    "apps.preferences.middleware.PreferencesMiddleware",
    "apps.preferences.middleware.UserTimezoneMiddleware",
    "apps.preferences.middleware.UserDisplayMiddleware",
    # A NUL byte in a query or form parameter answers 400 (the styled page) before any view reads it.
    "apps.core.middleware.RejectNulBytesMiddleware",
    # Live settings Django does not re-read itself: maintenance mode, then session expiry.
    "apps.livesettings.middleware.MaintenanceModeMiddleware",
    "apps.livesettings.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers the lockout page for a sign-in its backend refused.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls_tenants"
PUBLIC_SCHEMA_URLCONF = "portal.urls_public"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "apps.core.context_processors.portal",
                "apps.preferences.context_processors.global_preferences",
            ],
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Data stores ---------------------------------------------------------------------------------
# Persistent connections suit production's gunicorn workers, a fixed few processes reusing one each (checked
# before reuse). The development server starts a thread per request, and each thread's persistent connection
# would stay open, idle, until PostgreSQL's limit: there a connection closes with its request.
_DATABASE = dj_database_url.parse(
    env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal", required_in_production=True),
    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if IS_PRODUCTION else 0),
    conn_health_checks=True,
)
DATABASES = {
    "default": {
        **_DATABASE,
        "ENGINE": "django_tenants.postgresql_backend",
        # An unreachable host (packets dropped, not refused) fails the connection after this many seconds, so an
        # outage answers 503 (apps.core.outage) rather than holding the worker; DATABASE_URL's parameters win.
        "OPTIONS": {"connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 3), **_DATABASE.get("OPTIONS", {})},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0", required_in_production=True)
# Short timeouts: a stalled Redis must slow a request by well under a second, never hang it.
REDIS_SOCKET_TIMEOUT = float(env_str("REDIS_SOCKET_TIMEOUT", "0.5"))
SESSION_REDIS_SOCKET_TIMEOUT = float(env_str("SESSION_REDIS_SOCKET_TIMEOUT", "0.2"))
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        },
    },
    # The sessions' copies (apps.accounts.sessions), on the same Redis: every signed-in request reads it, so a
    # stall costs one short timeout before its circuit opens. Keys name their schema themselves; values are JSON.
    "sessions": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": SESSION_REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": SESSION_REDIS_SOCKET_TIMEOUT,
            "SERIALIZER": "django_redis.serializers.json.JSONSerializer",
        },
    },
}

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1", required_in_production=True)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/2")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "portal")
# A worker waits for the broker at start-up; a web request never does (the bounds below).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A stalled broker (port open, never answering) must not hold a request: every socket operation gives up after
# CELERY_BROKER_SOCKET_TIMEOUT, a connection attempt after CELERY_BROKER_CONNECTION_TIMEOUT, and a publish is
# tried twice. A request that queues work therefore waits about 2 x 0.5 s (at most 2 s) on a stalled broker,
# then goes on (deliveries stay pending for the re-queue). The README's "Security and reliability" has the bound.
CELERY_BROKER_SOCKET_TIMEOUT = float(env_str("CELERY_BROKER_SOCKET_TIMEOUT", "0.5"))
CELERY_BROKER_CONNECTION_TIMEOUT = float(env_str("CELERY_BROKER_CONNECTION_TIMEOUT", "1"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# The result store is a Redis too: the same bounds, so a task queued with a result never waits on it longer.
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_SOCKET_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
CELERY_TIMEZONE = "UTC"

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: REST framework asks the first class for `WWW-Authenticate`, so missing credentials answer 401
    # (session authentication has no such header, which would make them 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON with a bound on nesting and no NUL characters (apps.core.parsers.JSONParser); forms as REST framework's.
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.ApiSchema",
    # One error envelope for every API: {"errors": {field: [messages]}}.
    "EXCEPTION_HANDLER": "apps.core.api.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal API",
    "DESCRIPTION": "Preferences, notification preferences, lists of values and live-setting overrides of one tenant.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for people signed in to the tenant (the public domain's: superadmins only).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the drf-spectacular-sidecar package: no CDN at runtime.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Authentication and sessions -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out username or address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the signed-in user with their profile and preferences in one query.
    "apps.accounts.backends.PortalBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Cookies are host-only (no SESSION_COOKIE_DOMAIN): a login on one tenant's domain is not a login on another's.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- HTTPS and browser policies ------------------------------------------------------------------
# Production sits behind a proxy that ends TLS: it says so in X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER, which
# must only be trusted behind a proxy that sets it), Django redirects plain HTTP to HTTPS and asks browsers to
# keep to HTTPS for a year (HSTS). Development serves plain HTTP, so all three are off there.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", IS_PRODUCTION)
_proxy_ssl_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO" if IS_PRODUCTION else "")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
# /healthz answers the container's health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# /readyz: how long each check (PostgreSQL's statement, Redis's reply) may take; the workers' heartbeat period.
HEALTH_CHECK_TIMEOUT = float(env_str("HEALTH_CHECK_TIMEOUT", "1"))
HEALTH_HEARTBEAT_SECONDS = float(env_str("HEALTH_HEARTBEAT_SECONDS", "30"))

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from the site itself only, no inline
# script or style, no plugins, no framing. htmx's own indicator style is turned off (templates/_base.html's
# htmx-config) and lives in static/css/portal.css. The API docs page (Swagger UI) relaxes it for itself only
# (apps.core.csp.api_docs_policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
# Sessions are kept in PostgreSQL and read from Redis first (apps.accounts.sessions), so a warm signed-in request
# reads no session row. Not Django's cached_db as is: with Redis stalled its reads raise (every signed-in page a
# 500), and a logout whose cache delete failed would leave the session valid once Redis answers again. Ours reads
# PostgreSQL when Redis fails (then skips Redis for SESSION_CACHE_RETRY_SECONDS), and keeps a cached copy at most
# SESSION_CACHE_SECONDS and only under the current "session cache generation", which a process whose cache
# write or delete failed replaces when it reaches Redis again. Its docstring states the remaining window.
SESSION_ENGINE = "apps.accounts.sessions"
SESSION_CACHE_ALIAS = "sessions"
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 5 * 60)
SESSION_CACHE_RETRY_SECONDS = float(env_str("SESSION_CACHE_RETRY_SECONDS", "5"))

# Login throttling (django-axes), in each schema for its own users: the tenant logins, the console's and the admin.
# After AXES_FAILURE_LIMIT wrong passwords for one username, or from one address, that username or address is
# refused for LOGIN_LOCKOUT_SECONDS (a live setting) with the page apps.accounts.throttling renders.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "apps.accounts.throttling.lockout_window"
AXES_LOCKOUT_CALLABLE = "apps.accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failures are kept (AccessAttempt); a row per successful login is not.
AXES_DISABLE_ACCESS_LOG = True

# --- Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Development only (scripts/run.sh): the folder the local SMTP sink keeps messages in; with DEBUG on, the
# console's Outgoing mail page lists them. Empty (the default, and production): no sink, the page answers 404.
MAIL_SINK_DIR = "" if IS_PRODUCTION else env_str("MAIL_SINK_DIR", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")

# --- Internationalisation and static files -------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# --- notifications ---
# Delivery backends by dotted path; each is one class with name, display_name and send(delivery).
NOTIFICATIONS_BACKENDS = env_list(
    "NOTIFICATIONS_BACKENDS",
    [
        "apps.notifications.backends.email.EmailBackend",
        "apps.notifications.backends.sms.SmsBackend",
        "apps.notifications.backends.in_app.InAppBackend",
    ],
)
NOTIFICATIONS_DISABLED_BACKENDS = env_list("NOTIFICATIONS_DISABLED_BACKENDS", [])
NOTIFICATIONS_SMS_PROVIDER = env_str(
    "NOTIFICATIONS_SMS_PROVIDER", "apps.notifications.backends.sms.DevelopmentSmsProvider"
)
# Another mail connection for notifications only (e.g. the filebased backend for a worker under test).
NOTIFICATIONS_EMAIL_CONNECTION = env_str("NOTIFICATIONS_EMAIL_CONNECTION", "")
NOTIFICATIONS_EMAIL_FILE_PATH = env_str("NOTIFICATIONS_EMAIL_FILE_PATH", "")
NOTIFICATIONS_BASE_URL = env_str("NOTIFICATIONS_BASE_URL", "http://{domain}:8000")
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
NOTIFICATIONS_STALE_AFTER_SECONDS = env_int("NOTIFICATIONS_STALE_AFTER_SECONDS", 300)
NOTIFICATIONS_BATCH_SIZE = env_int("NOTIFICATIONS_BATCH_SIZE", 500)
NOTIFICATIONS_CLAIM_SECONDS = env_int("NOTIFICATIONS_CLAIM_SECONDS", 300)
NOTIFICATIONS_RECORD_EVERY = env_int("NOTIFICATIONS_RECORD_EVERY", 50)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "notifications-requeue-stale-deliveries": {
        "task": "apps.notifications.tasks.requeue_stale_deliveries",
        "schedule": 60.0,
    },
    # The workers' heartbeat, which /readyz reports (apps.core.health) instead of pinging workers per call.
    "core-worker-heartbeat": {
        "task": "apps.core.tasks.worker_heartbeat",
        "schedule": HEALTH_HEARTBEAT_SECONDS,
    },
    # Live-setting changes superadmins scheduled (maintenance on at 22:00): applied within a minute of their time.
    "livesettings-apply-scheduled-changes": {
        "task": "apps.livesettings.tasks.apply_scheduled_changes",
        "schedule": 60.0,
    },
}
# With acks_late, Redis hands the unacknowledged message of a killed worker to another worker once the visibility
# timeout passes; it must exceed the longest task (tasks with a countdown too). The sweep settings say how often
# workers look for such messages; the worker-failure tests lower all three.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    # The stall bounds (see CELERY_BROKER_SOCKET_TIMEOUT above): redis-py's socket timeouts, and one retry when a
    # connection is (re)established outside a publish (control commands such as /healthz's ping).
    "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# --- livesettings ---
# Defaults of the live settings; superadmins change them at runtime in /console/settings/ (see
# apps/catalog/livesettings.py for their bounds), and `settings.NAME` then answers the live value.
SESSION_EXPIRE_SECONDS = env_int("SESSION_EXPIRE_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AFTER_LAST_ACTIVITY = env_bool("SESSION_EXPIRE_AFTER_LAST_ACTIVITY", False)
SESSION_EXPIRE_GRACE_SECONDS = env_int("SESSION_EXPIRE_GRACE_SECONDS", 60)
SESSION_EXPIRE_WARNING_SECONDS = env_int("SESSION_EXPIRE_WARNING_SECONDS", 120)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Where an expired session is sent (a path, an http(s) URL or a URL name), with ?next= back to the page.
SESSION_TIMEOUT_REDIRECT = env_str("SESSION_TIMEOUT_REDIRECT", LOGIN_URL)
MAINTENANCE_MODE = env_bool("MAINTENANCE_MODE", False)
MAINTENANCE_MESSAGE = env_str(
    "MAINTENANCE_MESSAGE", "The portal is down for maintenance. Please try again in a few minutes."
)
MAINTENANCE_RETRY_AFTER_SECONDS = env_int("MAINTENANCE_RETRY_AFTER_SECONDS", 600)
SERVER_EMAIL = env_str("SERVER_EMAIL", "portal-errors@localhost")
