"""Languages (zh-hans default, zh-hant, en), complete catalogues, and the officers' navigation."""
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.web.helpers import login

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_catalogue_has_every_message_translated(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    out = subprocess.run(["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
                         capture_output=True, text=True, check=True).stderr
    assert "translated messages" in out
    assert "untranslated" not in out and "fuzzy" not in out, out


@pytest.mark.django_db
def test_default_language_is_simplified_chinese(client):
    body = client.get(reverse("scenarios:public-list")).content.decode()
    assert '<html lang="zh-hans">' in body and "应用场景与供给能力清单" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "text"), [("en", "Application scenarios and supply capabilities"),
                                            ("zh-hant", "應用場景與供給能力清單")])
def test_language_switcher_changes_the_language(client, lang, text):
    resp = client.post(reverse("set_language"), {"language": lang, "next": reverse("scenarios:public-list")})
    assert resp.status_code == 302
    body = client.get(reverse("scenarios:public-list")).content.decode()
    assert f'<html lang="{lang}">' in body and text in body


@pytest.mark.django_db
def test_field_names_follow_the_language(client, hospital, hospital_user, officer):
    from core.side import SCENARIO
    from scenarios.models import ListingStatus
    from tests.factories import make_listing

    make_listing(side=SCENARIO, org=hospital, author=hospital_user, status=ListingStatus.PUBLISHED, officer=officer)
    client.cookies.load({"django_language": "zh-hant"})
    assert "智能影像" in client.get(reverse("scenarios:public-list")).content.decode()
    client.cookies.load({"django_language": "en"})
    assert "AI medical imaging" in client.get(reverse("scenarios:public-list")).content.decode()


@pytest.mark.django_db
def test_officer_navigation_links_to_import_and_others_do_not(client, officer, vendor_user):
    login(client, officer)
    body = client.get(reverse("accounts:home")).content.decode()
    assert reverse("scenarios:listing-review") in body and reverse("matching:dashboard") in body
    assert f'href="{reverse("transfer:upload")}"' in body
    login(client, vendor_user)
    assert reverse("transfer:upload") not in client.get(reverse("accounts:home")).content.decode()


@pytest.mark.django_db
def test_anonymous_sees_login_and_signup_but_no_workspace_links(client):
    body = client.get(reverse("scenarios:public-list")).content.decode()
    assert reverse("accounts:signup") in body and reverse("accounts:login") in body
    assert reverse("scenarios:listing-mine") not in body and reverse("matching:match-queue") not in body


@pytest.mark.django_db
def test_404_page_uses_the_site_layout(client):
    resp = client.get("/scenario/999999/")
    assert resp.status_code == 404 and "未找到" in resp.content.decode()
