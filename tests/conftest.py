import pytest

from config.celery import app as celery_app
from matching import pool as matching_pool
from tests.factories import OrganizationFactory, make_officer, member_of


@pytest.fixture(scope="session", autouse=True)
def _eager_for_the_session():
    """Tasks run in-process from the first fixture on, also where CI sets CELERY_BROKER_URL:
    module-scoped fixtures publish listings before any function-scoped fixture runs. The
    worker tests switch to the real broker and a real worker for their own duration."""
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _taxonomy_present(request, django_db_blocker):
    """Transactional tests (browser, worker) end by emptying every table, the field taxonomy that
    a data migration loaded too; put it back before any test that uses the database."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        f in request.fixturenames for f in ("db", "transactional_db", "live_server"))
    if uses_db:
        from scenarios.models import Field
        from scenarios.taxonomy import taxonomy_load

        with django_db_blocker.unblock():
            if not Field.objects.exists():
                taxonomy_load(Field)
    yield


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    """Tasks run in-process (the worker tests switch to a real worker), and tests about other
    things use the deterministic hashing embedder (model tests opt out)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    settings.MATCHING_EMBEDDER = "hashing"
    settings.MATCHING_SCORE_FLOOR = 0.0
    matching_pool.pool_cache_clear()
    yield
    matching_pool.pool_cache_clear()
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process for this test, also where CELERY_BROKER_URL points at Redis
    (CI): page tests need the matches the engine computes, and no stray message may reach the
    queue that the worker tests read."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def hospital(db):
    return OrganizationFactory(name="广州市第一人民医院", kind="hospital", city="广州")


@pytest.fixture
def other_hospital(db):
    return OrganizationFactory(name="深圳市人民医院", kind="hospital", city="深圳")


@pytest.fixture
def vendor(db):
    return OrganizationFactory(name="华影智能科技有限公司", kind="company", city="深圳")


@pytest.fixture
def other_vendor(db):
    return OrganizationFactory(name="康联医疗科技有限公司", kind="company", city="武汉", province="湖北")


@pytest.fixture
def hospital_user(hospital):
    return member_of(hospital)


@pytest.fixture
def other_hospital_user(other_hospital):
    return member_of(other_hospital)


@pytest.fixture
def vendor_user(vendor):
    return member_of(vendor)


@pytest.fixture
def other_vendor_user(other_vendor):
    return member_of(other_vendor)


@pytest.fixture
def officer(db):
    return make_officer()


def pytest_configure(config):
    """Compile the translation catalogues when a .po is newer than its .mo, so that running
    pytest directly tests the pages in Chinese too (`make test` compiles them as well). Only the
    main process does it; xdist workers start after it."""
    if hasattr(config, "workerinput"):
        return
    import subprocess
    from pathlib import Path

    for po in (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


@pytest.fixture
def via_redis():
    """This process publishes tasks to Redis for the duration of a worker test (and purges the
    queue before and after), then goes back to running them in-process."""
    from tests.worker import LOGS, purge, reset_producer_pool, use_broker_in_this_process

    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    use_broker_in_this_process(celery_app)
    purge(celery_app)
    LOGS.mkdir(parents=True, exist_ok=True)
    yield
    purge(celery_app)
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
    reset_producer_pool(celery_app)
