import pytest


@pytest.fixture(autouse=True)
def _eager(eager_tasks):
    """Page tests compute matches in-process (see tests/conftest.py: eager_tasks)."""
