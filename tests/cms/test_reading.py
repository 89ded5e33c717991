import datetime

import pytest

from cms.models import ReadRecord
from tests.cms.factories import SectionPageFactory, WarningCasePageFactory
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(home_page):
    return WarningCasePageFactory(parent=SectionPageFactory())


def test_a_cadres_read_is_recorded_once_a_day(client, case, django_user_model):
    user = django_user_model.objects.create_user("reader")
    cadre = CadreFactory(user=user)
    client.force_login(user)
    client.get(case.url)
    client.get(case.url)
    assert list(ReadRecord.objects.values_list("cadre", "page", "day")) == [(cadre.pk, case.pk, datetime.date.today())]


def test_reads_on_another_day_count_again(case, django_user_model):
    from cms.services import record_read

    user = django_user_model.objects.create_user("reader")
    CadreFactory(user=user)
    for day in (datetime.date(2026, 11, 24), datetime.date(2026, 11, 25), datetime.date(2026, 11, 25)):
        record_read(user, case, today=day)
    assert ReadRecord.objects.count() == 2


def test_anonymous_visitors_users_without_a_cadre_and_index_pages_leave_no_record(client, case, django_user_model):
    client.get(case.url)
    client.force_login(django_user_model.objects.create_user("citizen"))
    client.get(case.url)
    cadre_user = django_user_model.objects.create_user("reader")
    CadreFactory(user=cadre_user)
    client.force_login(cadre_user)
    client.get("/")
    client.get(case.get_parent().url)
    assert not ReadRecord.objects.exists()
