"""The message log is read-only for everyone; a cadre's subscription is changed from its own admin page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sms.models import Message, SubscriptionChange
from tests.directory.factories import CadreFactory
from tests.sms.factories_admin import MessageFactory, user_with_role

pytestmark = pytest.mark.django_db

LOG = "/admin/sms/message/"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "pw")


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_the_log_lists_and_filters_but_offers_no_changes(client, superuser, who):
    user = superuser if who == "superuser" else user_with_role("sms_operator", "operator")
    client.force_login(user)
    cadre = CadreFactory(name="周芳")
    message = MessageFactory(cadre=cadre, phone=cadre.phone, kind="code", body="【清河市纪委监委】验证码")
    MessageFactory(kind="inbound", direction="in", body="TD")
    response = client.get(LOG)
    assert response.status_code == 200
    body = response.content.decode()
    assert "周芳" in body
    assert "/admin/sms/message/new/" not in body and "/edit/" not in body and "/delete/" not in body
    filtered = client.get(LOG, {"direction": "in"}).content.decode()
    assert "周芳" not in filtered
    assert client.get(f"{LOG}inspect/{message.pk}/").status_code == 200


def test_no_url_adds_edits_or_deletes_a_message(client, superuser):
    client.force_login(superuser)
    message = MessageFactory()
    for url in (f"{LOG}new/", f"{LOG}edit/{message.pk}/", f"{LOG}delete/{message.pk}/", f"{LOG}copy/{message.pk}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    assert Message.objects.filter(pk=message.pk).exists()


def test_a_user_without_the_view_permission_cannot_read_the_log(client, django_user_model):
    editor = user_with_role("editor", "editor")
    client.force_login(editor)
    MessageFactory(body="机密")
    response = client.get(LOG)
    assert response.status_code in (302, 403) and "机密" not in response.content.decode()


def test_the_log_query_count_does_not_grow_with_rows(client, superuser):
    client.force_login(superuser)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LOG).status_code == 200
        return len(ctx.captured_queries)

    MessageFactory.create_batch(2, cadre=CadreFactory())
    few = queries()
    for _i in range(20):
        MessageFactory(cadre=CadreFactory())
    assert queries() <= few


def test_an_operator_opts_a_cadre_out_and_in_with_a_record(client):
    operator = user_with_role("sms_operator", "operator")
    client.force_login(operator)
    cadre = CadreFactory(name="陈静")
    url = f"/admin/sms/subscription/{cadre.pk}/"
    assert "陈静" in client.get(url).content.decode()
    assert client.post(url, {"opted_in": "0"}).status_code == 302
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False
    change = SubscriptionChange.objects.get()
    assert (change.opted_in, change.source, change.changed_by) == (False, "admin", operator)
    client.post(url, {"opted_in": "1"})
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is True and SubscriptionChange.objects.count() == 2


def test_the_cadre_list_links_to_the_subscription_page(client, superuser):
    client.force_login(superuser)
    cadre = CadreFactory()
    assert f"/admin/sms/subscription/{cadre.pk}/" in client.get("/admin/snippets/directory/cadre/").content.decode()


def test_a_user_without_sms_or_directory_rights_cannot_change_a_subscription(client):
    supervisor = user_with_role("supervisor", "supervisor")  # may view cadres, not change them
    client.force_login(supervisor)
    cadre = CadreFactory()
    response = client.post(f"/admin/sms/subscription/{cadre.pk}/", {"opted_in": "0"})
    assert response.status_code in (302, 403)
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is True and not SubscriptionChange.objects.exists()
