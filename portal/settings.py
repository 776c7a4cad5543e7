"""Settings come from the environment or a `.env` file beside manage.py (django-environ).

With nothing configured the portal runs in its embedded default: SQLite under var/, no Redis
(Celery tasks run in-process), and a secret key generated once into var/secret_key.
"""

import importlib.util
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    if key := env.str("SECRET_KEY", default=""):
        return key
    # A per-install key keeps a fresh clone working without shipping a shared secret.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_celery_beat",
    "axes",
    # Two-factor sign-in for local Admin accounts: TOTP devices (apps/people/middleware.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "apps.core",
    "apps.connections",
    "apps.audit",
    "apps.plugins",
    "apps.history",
    "apps.trail",
    "apps.alerts",
    "apps.groups",
    "apps.sharing",
    "apps.secret_keys",
    "apps.project_actions",
    "apps.roles",
    "apps.annotations",
    "apps.cohorts",
    "apps.file_system",
    "apps.hog_functions",
    "apps.batch_exports",
    "apps.people",
    "apps.saved_views",
    "apps.overview",
]
# The PostHog simulator stands in for PostHog in the demo and the tests. It is a package of its own, left out of
# the production image; its `manage.py simulator` command is installed only in demo mode (DEBUG by default).
PORTAL_DEMO = env.bool("PORTAL_DEMO", default=DEBUG)
if PORTAL_DEMO and importlib.util.find_spec("simulator") is not None:
    INSTALLED_APPS.append("simulator.django_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, from SECURE_CSP below.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every page's PostHog requests share one time budget (POSTHOG_REQUEST_BUDGET_SECONDS); static and /healthz/ not.
    "apps.core.upstream_budget.UpstreamBudgetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.user.is_verified(); then a person with a confirmed device gives the code before any page opens.
    "django_otp.middleware.OTPMiddleware",
    "apps.people.middleware.TwoFactorMiddleware",
    # After sign-in is known: every time on the page in the zone the person chose.
    "apps.people.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.HtmxMessagesMiddleware",
    "apps.connections.middleware.PostHogContextMiddleware",
    "apps.core.middleware.UpstreamErrorMiddleware",
    # Axes must come last: it turns locked-out sign-ins into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["apps.core.templatetags.when"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
                "apps.connections.context_processors.posthog_context",
                "apps.people.context_processors.time_zone",
                "apps.people.context_processors.sign_in",
                "apps.alerts.context_processors.alerts_unread",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default has pollers, probes and a page's parallel reads writing from several threads: a writer
    # takes the lock when its transaction starts (no "database is locked" from upgrading a read lock), readers do
    # not wait for writers (WAL), and a writer waits up to 20 s for another instead of failing. (The tests' SQLite
    # database is a file too, tests/conftest.py: SQLite's shared ":memory:" database failed under these.)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Company single sign-on; it answers only the provider's callback, and only when OIDC_ENABLED.
    "apps.people.sso.PortalOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# How long a one-time sign-in link (a new person's, or after a password reset) works; once used, never again.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_HOURS", default=72) * 3600

# Single sign-on with OpenID Connect (mozilla-django-oidc, apps/people/sso.py): on when a client id, its secret and
# either the provider's discovery URL or its endpoints are given. The provider redirects back to
# /accounts/sso/callback/.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and OIDC_RP_CLIENT_SECRET
    and (OIDC_OP_DISCOVERY_URL or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT))
)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your company account")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
# Which claim lists the person's groups, and which group gives which role ("group=Role,…"); the strongest wins.
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="groups")
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
# Refuse a sign-in whose groups map to no role (otherwise the person is in, with no role, and sees nothing).
OIDC_REQUIRE_ROLE = env.bool("OIDC_REQUIRE_ROLE", default=False)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# Two-factor sign-in: when true, an Admin who signs in with a password and has no authenticator is sent to set one
# up before anything else.
REQUIRE_ADMIN_2FA = env.bool("REQUIRE_ADMIN_2FA", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="PostHog Ops Portal")

# Failed sign-ins: five tries per user name and address, then a 15-minute pause.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
# bin/portal serves the static files straight from static/ and the apps (no collectstatic), with DEBUG off too.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names once collectstatic has run (the image does); plain names before.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if (STATIC_ROOT / "staticfiles.json").exists()
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Mail, for sending sign-in links to new people: only where a mail server is named. Without one, the link is shown
# to the Admin to pass on.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
PORTAL_EMAIL_ENABLED = bool(EMAIL_HOST)
if PORTAL_EMAIL_ENABLED:
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PostHog Ops Portal <portal@localhost>")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Keys for API keys at rest (MultiFernet): the first encrypts, all decrypt, so keys can rotate.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

POSTHOG_HOST = env.str("POSTHOG_HOST", default="")
POSTHOG_CONNECTION_NAME = env.str("POSTHOG_CONNECTION_NAME", default="Default (from settings)")
POSTHOG_PERSONAL_API_KEY = env.str("POSTHOG_PERSONAL_API_KEY", default="")
POSTHOG_ORGANIZATION_ID = env.str("POSTHOG_ORGANIZATION_ID", default="@current")
POSTHOG_PROJECT_ID = env.str("POSTHOG_PROJECT_ID", default="")
POSTHOG_ENVIRONMENT_ID = env.str("POSTHOG_ENVIRONMENT_ID", default="")
POSTHOG_CONNECT_TIMEOUT = env.float("POSTHOG_CONNECT_TIMEOUT", default=3.05)
POSTHOG_READ_TIMEOUT = env.float("POSTHOG_READ_TIMEOUT", default=10.0)
# The longest a page waits in total on retries (429 / 5xx) before showing the error instead.
POSTHOG_MAX_RETRY_WAIT = env.float("POSTHOG_MAX_RETRY_WAIT", default=6.0)
# One time budget per page or action for all its PostHog requests and their retries (apps/core/upstream_budget.py):
# when PostHog hangs, a page says so after this long instead of holding a server thread until the server's timeout.
POSTHOG_REQUEST_BUDGET_SECONDS = env.float("POSTHOG_REQUEST_BUDGET_SECONDS", default=15.0)
# How many PostHog reads a page about a list of items runs at once (apps/core/parallel.py).
POSTHOG_PARALLEL_READS = env.int("POSTHOG_PARALLEL_READS", default=10)
# How long what changes slowly on PostHog (plugin catalogue, projects, group types, property definitions, the key's
# capabilities) is kept in the cache (apps/connections/cached.py); the portal's own writes forget it at once. 0: off.
POSTHOG_READ_CACHE_SECONDS = env.int("POSTHOG_READ_CACHE_SECONDS", default=120)
# The production server (portal/gunicorn.conf.py): threaded workers, so pages waiting on PostHog do not queue the
# rest; its timeout stays above the budget, so a page that ran out of time still answers with the message.
WEB_WORKERS = env.int("WEB_WORKERS", default=2)
WEB_THREADS = env.int("WEB_THREADS", default=8)
WEB_TIMEOUT_SECONDS = env.int("WEB_TIMEOUT_SECONDS", default=int(POSTHOG_REQUEST_BUDGET_SECONDS) + 15)

# Background history (apps/history): PostHog allows 480 requests a minute per key, shared with the people
# using the portal; the pollers take at most this share of it.
POSTHOG_RATE_LIMIT_PER_MINUTE = env.int("POSTHOG_RATE_LIMIT_PER_MINUTE", default=480)
HISTORY_POLL_BUDGET_SHARE = env.float("HISTORY_POLL_BUDGET_SHARE", default=0.5)
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=90)
# Raw delivery-rate snapshots are kept this long, then folded into hourly ones.
HISTORY_RAW_DELIVERY_DAYS = env.int("HISTORY_RAW_DELIVERY_DAYS", default=2)
# Log entries can reach PostHog late; each poll reads again this far behind the newest entry stored.
HISTORY_LOG_OVERLAP_SECONDS = env.int("HISTORY_LOG_OVERLAP_SECONDS", default=120)
# A poll's own time budget for PostHog: it ends its requests before Celery's soft time limit (170 s) would cut it off
# at any point.
HISTORY_POLL_DEADLINE_SECONDS = env.float("HISTORY_POLL_DEADLINE_SECONDS", default=150.0)
# The audit trail (apps/audit) keeps events this many days; 0 keeps them forever.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# Where people reach the portal: alert notifications (mail, Slack, webhooks) link to its pages with this address.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# Without a broker server the embedded default runs tasks in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script, handler or style anywhere: the pages' behaviour is in static/js, their looks in static/css,
# and htmx evaluates nothing (templates/base.html's htmx-config). A nonce is there for the rare inline tag that
# cannot be avoided; no template uses one today.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # https: for plugin icons, which PostHog names by absolute URL (raw.githubusercontent.com or any host a
    # plugin's author chose); an image runs nothing, and the <img> sends no referrer.
    "img-src": [CSP.SELF, "data:", "https:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # urllib3 at DEBUG would print every URL; ours already logs method, path, status, time.
        "urllib3": {"level": "WARNING"},
        # Axes logs every successful sign-in at INFO; lockouts and failures still come through.
        "axes": {"level": "WARNING"},
    },
}
