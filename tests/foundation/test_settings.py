"""Settings come from the environment: SQLite and eager tasks by default, PostgreSQL and Redis
when their URLs are given, and a deploy check that passes with production variables."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(env_overrides: dict[str, str], expr: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG",
                                                             "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = f"import django; django.setup(); from django.conf import settings as s; print({expr})"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_settings_default_to_sqlite_file_and_eager_tasks():
    out = _settings_in_subprocess({}, "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
                                      "str(s.DATABASES['default']['NAME']).endswith('db.sqlite3')")
    assert out == "django.db.backends.sqlite3 True True"


def test_settings_select_postgresql_and_redis_from_environment():
    out = _settings_in_subprocess(
        {"DATABASE_URL": "postgres://root@127.0.0.1:5432/test", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER",
    )
    assert out == "django.db.backends.postgresql test False"


def test_settings_refuse_production_without_secret_key():
    with pytest.raises(subprocess.CalledProcessError) as err:
        _settings_in_subprocess({"DJANGO_DEBUG": "false"}, "s.DEBUG")
    assert "DJANGO_SECRET_KEY" in err.value.stderr


def test_check_deploy_passes_with_production_settings():
    env = {k: v for k, v in os.environ.items()}
    env.update({"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "scenebridge.example.org",
                "DJANGO_SECRET_KEY": "k7#vQ2!mZp9@Lx4$Rw8&Tn3*Hs6^Jd1(Fb5)Gc0-Yq2+Ue7=Wa9%Xo4"})
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 silenced" in out.stdout


@pytest.mark.django_db
def test_database_is_the_one_the_environment_names():
    """In CI DATABASE_URL points at PostgreSQL, so this proves the suite ran on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://", "pgsql://")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cur:
        if expected == "postgresql":
            cur.execute("select version()")
            assert cur.fetchone()[0].startswith("PostgreSQL")
        else:
            cur.execute("select sqlite_version()")
            assert cur.fetchone()[0][0] == "3"


def test_no_migrations_missing():
    out = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_celery_tasks_are_eager_only_without_a_broker():
    assert settings.CELERY_TASK_ALWAYS_EAGER == (not os.environ.get("CELERY_BROKER_URL"))
