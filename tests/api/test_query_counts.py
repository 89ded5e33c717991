"""List queries whose items read related rows: the number of SQL queries does not grow with the list.

The cms, forum board and topic lists are counted in test_cms.py, the public cases in complaints/test_security.py,
the quiz list in quizzes/test_api.py; the batching loader itself is tested here too.
"""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from api.core.dataloaders import DataLoader
from approvals.models import ApprovalItem, ItemStep, Material
from cms.models import ReadRecord
from tests.cms.factories import ArticlePageFactory
from tests.directory.factories import CadreFactory, DepartmentFactory
from tests.forum.factories import make_board

pytestmark = pytest.mark.django_db


def _count(gql, query, variables=None):
    gql(query, variables)  # warm Wagtail's site and content-type caches
    with CaptureQueriesContext(connection) as ctx:
        result = gql(query, variables)
    assert "errors" not in result, result
    return len(ctx.captured_queries), result


def test_approval_items_with_materials_steps_and_flowcharts(gql):
    department = DepartmentFactory(code="QH-TEST", name="市测试局")
    other = DepartmentFactory(code="QH-OTHER", name="市另一局")
    query = """{ approvalItems(pageSize: 20) { items { code materials { name } flowchartSvg
      steps { name parallel departments { name } } } } }"""

    def add(n):
        for _i in range(n):
            item = ApprovalItem.objects.create(
                code=f"X{ApprovalItem.objects.count()}",
                name="事项",
                department=department,
                theme="business",
                legal_basis="法",
                conditions="条件",
                statutory_days=10,
                promised_days=5,
                is_published=True,
            )
            Material.objects.create(item=item, name="申请书", form="original")
            ItemStep.objects.create(item=item, order=1, name="审查", working_days=3).departments.add(department, other)
            ItemStep.objects.create(item=item, order=2, name="决定", working_days=2).departments.add(department)

    add(2)
    few, _result = _count(gql, query)
    add(8)
    many, result = _count(gql, query)
    assert len(result["data"]["approvalItems"]["items"]) == 10 and many == few
    assert result["data"]["approvalItems"]["items"][0]["steps"][0]["parallel"] is True


def test_reading_history(gql, client, home_page, django_user_model):
    user = django_user_model.objects.create_user("reader")
    cadre = CadreFactory(user=user)
    client.force_login(user)
    query = "{ me { name readingHistory(pageSize: 20) { items { pageId title url } } studyRecord { reads } } }"

    def add(n):
        for _i in range(n):
            ReadRecord.objects.create(cadre=cadre, page=ArticlePageFactory(parent=home_page), day="2026-01-05")

    add(2)
    few, _result = _count(gql, query)
    add(8)
    many, result = _count(gql, query)
    assert len(result["data"]["me"]["readingHistory"]["items"]) == 10 and many == few


def test_boards(gql, home_page):
    make_board("论坛0", slug="bbs0")
    make_board("论坛1", slug="bbs1")
    query = "{ boards { id title url isPreModerated } }"
    few, _result = _count(gql, query)
    for i in range(2, 10):
        make_board(f"论坛{i}", slug=f"bbs{i}")
    many, result = _count(gql, query)
    assert len(result["data"]["boards"]) == 10 and many == few


class Doubles(DataLoader):
    context_key = "test.doubles"
    batches: list

    def batch_load(self, keys):
        self.batches = [*getattr(self, "batches", []), list(keys)]
        return [key * 2 for key in keys]


def test_a_loader_loads_every_expected_key_in_one_batch_and_once_per_request():
    request = RequestFactory().get("/")
    loader = Doubles(request)
    loader.expect([1, 2, 3])
    assert [loader.load(key) for key in (1, 2, 3)] == [2, 4, 6]
    assert Doubles(request) is loader and loader.batches == [[1, 2, 3]]
    assert loader.load(4) == 8 and loader.batches == [[1, 2, 3], [4]]  # a key nobody announced loads alone
    assert Doubles(RequestFactory().get("/")) is not loader  # nothing is shared between requests
