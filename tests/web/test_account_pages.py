"""Sign-up, log-in, organisations, memberships and the notifications page."""
import pytest
from django.urls import reverse

from accounts.models import Membership, Notification, Organization, User
from accounts.services import membership_request
from tests.factories import PASSWORD, UserFactory, member_of
from tests.web.helpers import login

pytestmark = pytest.mark.django_db


def test_signup_creates_the_user_and_logs_in(client):
    resp = client.post(reverse("accounts:signup"), {
        "username": "zhangsan", "first_name": "张三", "email": "zs@example.org", "phone": "",
        "password1": PASSWORD, "password2": PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == reverse("accounts:home")
    user = User.objects.get(username="zhangsan")
    assert user.check_password(PASSWORD)
    home = client.get(reverse("accounts:home")).content.decode()
    assert reverse("accounts:organization-create") in home


def test_signup_errors_are_shown_next_to_the_fields_in_chinese(client):
    UserFactory(username="taken")
    resp = client.post(reverse("accounts:signup"), {
        "username": "taken", "email": "not-an-email", "password1": "abc", "password2": "abd"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "这个用户名已被占用" in body                 # our own message, translated
    assert "请输入合法的邮件地址" in body             # Django's own message, in zh-hans
    assert "两次输入的密码不一致" in body
    assert not User.objects.filter(email="not-an-email").exists()


def test_signup_errors_in_english_when_the_user_chose_english(client):
    client.cookies.load({"django_language": "en"})
    body = client.post(reverse("accounts:signup"), {"username": "x1", "email": "a@b.org", "password1": "123",
                                                    "password2": "123"}).content.decode()
    assert "This password is too short" in body


def test_login_page_logs_in(client, hospital_user):
    resp = client.post(reverse("accounts:login"), {"username": hospital_user.username, "password": PASSWORD})
    assert resp.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_workspace_requires_login(client):
    resp = client.get(reverse("accounts:home"))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_organization_create_makes_the_user_its_admin(client):
    user = UserFactory()
    login(client, user)
    resp = client.post(reverse("accounts:organization-create"), {
        "name": "佛山市中医院", "kind": "hospital", "province": "广东", "city": "佛山", "description": ""})
    assert resp.status_code == 302
    org = Organization.objects.get(name="佛山市中医院")
    assert Membership.objects.get(user=user, organization=org).role == Membership.Role.ADMIN


def test_organization_create_refuses_an_agency_and_a_duplicate_name(client, hospital):
    login(client, UserFactory())
    resp = client.post(reverse("accounts:organization-create"), {"name": "某发改委", "kind": "agency"})
    assert resp.status_code == 200 and not Organization.objects.filter(name="某发改委").exists()
    resp = client.post(reverse("accounts:organization-create"), {"name": hospital.name, "kind": "hospital"})
    assert resp.status_code == 200
    assert Organization.objects.filter(name=hospital.name).count() == 1
    assert "errorlist" in resp.content.decode()


def test_join_request_is_pending_until_an_org_admin_approves(client, hospital):
    admin = member_of(hospital, role=Membership.Role.ADMIN)
    user = UserFactory()
    login(client, user)
    page = client.get(reverse("accounts:organization-join"), {"q": "第一人民"}).content.decode()
    assert hospital.name in page
    client.post(reverse("accounts:organization-join"), {"organization": hospital.pk})
    membership = Membership.objects.get(user=user, organization=hospital)
    assert membership.status == Membership.Status.PENDING
    assert Notification.objects.filter(user=admin, link__contains=f"/organizations/{hospital.pk}/").exists()
    # a pending member cannot post yet
    assert client.get(reverse("scenarios:listing-create", args=["scenario"])).status_code == 302
    client.logout()
    login(client, admin)
    members = client.get(reverse("accounts:organization-members", args=[hospital.pk])).content.decode()
    assert user.username in members
    client.post(reverse("accounts:membership-approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert Notification.objects.filter(user=user).exists()


def test_plain_member_cannot_see_members_page_or_approve(client, hospital, hospital_user):
    pending = membership_request(actor=UserFactory(), organization=hospital)
    login(client, hospital_user)
    assert client.get(reverse("accounts:organization-members", args=[hospital.pk])).status_code == 403
    assert client.post(reverse("accounts:membership-approve", args=[pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING


def test_org_admin_declines_a_request(client, hospital):
    admin = member_of(hospital, role=Membership.Role.ADMIN)
    pending = membership_request(actor=UserFactory(), organization=hospital)
    login(client, admin)
    client.post(reverse("accounts:membership-decline", args=[pending.pk]))
    assert not Membership.objects.filter(pk=pending.pk).exists()


def test_notifications_page_lists_own_notifications_and_marks_them_read(client, hospital_user, vendor_user):
    mine = Notification.objects.create(user=hospital_user, subject="已发布：我的需求", link="/workspace/listings/")
    Notification.objects.create(user=vendor_user, subject="别人的通知")
    login(client, hospital_user)
    body = client.get(reverse("accounts:notification-list")).content.decode()
    assert "已发布：我的需求" in body and "别人的通知" not in body
    assert 'data-testid="unread">1<' in body
    resp = client.post(reverse("accounts:notification-open", args=[mine.pk]))
    assert resp.status_code == 302 and resp["Location"] == "/workspace/listings/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_notification_open_never_redirects_off_site(client, hospital_user):
    note = Notification.objects.create(user=hospital_user, subject="x", link="https://evil.example/")
    login(client, hospital_user)
    resp = client.post(reverse("accounts:notification-open", args=[note.pk]))
    assert resp["Location"] == reverse("accounts:notification-list")


def test_notification_of_another_user_is_not_marked(client, hospital_user, vendor_user):
    other = Notification.objects.create(user=vendor_user, subject="x")
    login(client, hospital_user)
    client.post(reverse("accounts:notification-open", args=[other.pk]))
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(client, hospital_user):
    for i in range(3):
        Notification.objects.create(user=hospital_user, subject=f"n{i}")
    login(client, hospital_user)
    client.post(reverse("accounts:notification-read-all"))
    assert not Notification.objects.filter(user=hospital_user, read_at__isnull=True).exists()
