import csv
import io

import pytest
from django.urls import reverse

from supervision import performance
from tests.directory.factories import DepartmentFactory
from tests.supervision.factories import at, make_event, publish, start, stop

pytestmark = pytest.mark.django_db


def _case(n, department, handler_id, *, late=False, rating=None):
    key = f"approvals.application:{n}"
    subject = key
    publish(
        make_event(
            "application.accepted",
            subject=subject,
            department_id=department.pk,
            occurred_at=at(day=2),
            clocks=[start(key, at(day=6), department_id=department.pk, handler_id=handler_id)],
        )
    )
    publish(
        make_event(
            "application.approved",
            subject=subject,
            department_id=department.pk,
            actor_id=handler_id,
            occurred_at=at(day=9 if late else 4),
            payload={"legal_basis": "x"},
        )
    )
    publish(
        make_event(
            "application.completed",
            subject=subject,
            department_id=department.pk,
            occurred_at=at(day=9 if late else 4, hour=11),
            clocks=[stop(key)],
            payload={"final": True},
        )
    )
    if rating:
        publish(
            make_event(
                "application.rated",
                subject=subject,
                department_id=department.pk,
                occurred_at=at(day=10),
                payload={"rating": rating},
            )
        )


def test_ranking_by_department(settings, bureau, city, django_user_model):
    settings.SUPERVISION_MIN_VOLUME = 3
    other = DepartmentFactory(code="QH-ZJJ", name="市住建局", parent=city)
    small = DepartmentFactory(code="QH-JTJ", name="市交通局", parent=city)
    handler = django_user_model.objects.create_user("h1")
    for n in range(4):
        _case(n, bureau, handler.pk, rating=5)
    for n in range(10, 14):
        _case(n, other, handler.pk, late=n < 12, rating=2)
    _case(20, small, handler.pk)
    publish(
        make_event(
            "complaint.concluded",
            source="complaints",
            subject="complaints.complaint:1",
            occurred_at=at(day=12),
            item="complaints.category:fee",
            payload={"decision": "substantiated", "concerned_department_id": other.pk, "final": True},
        )
    )

    rows = performance.evaluate(performance.Period("month", 2026, 11))
    by_name = {r.name: r for r in rows}
    good, bad, tiny = by_name["市市场监督管理局"], by_name["市住建局"], by_name["市交通局"]
    assert good.rank == 1 and bad.rank == 2 and tiny.rank is None
    assert good.volume == 4 and good.on_time_rate == 1.0 and good.satisfaction == 5
    assert bad.on_time_rate == 0.5 and bad.substantiated == 1
    assert good.score > bad.score


def test_ranking_by_handler_and_exports(settings, bureau, django_user_model, client, supervisor):
    settings.SUPERVISION_MIN_VOLUME = 1
    handler = django_user_model.objects.create_user("h1", first_name="赵承办")
    for n in range(2):
        _case(n, bureau, handler.pk, rating=4)
    rows = performance.evaluate(performance.Period("quarter", 2026, 4), unit="handler")
    assert rows[0].name == "赵承办" and rows[0].rank == 1 and rows[0].satisfaction == 4

    client.force_login(supervisor)
    url = reverse("supervision_performance")
    page = client.get(url, {"unit": "handler", "period": "year", "year": 2026})
    assert page.status_code == 200 and "data-ranking-chart" in page.content.decode()
    exported = client.get(url, {"unit": "handler", "period": "year", "year": 2026, "format": "csv"})
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[1][1] == "赵承办"
    xlsx = client.get(url, {"period": "year", "year": 2026, "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B3"].value == "市市场监督管理局"


def test_periods():
    assert performance.Period("quarter", 2026, 4).start.month == 10
    assert performance.Period("quarter", 2026, 4).end.year == 2027
    assert performance.Period.parse("month", "x", "13").index == 12


def test_the_ranking_leaves_out_the_supervising_body_and_small_units_and_says_so(
    settings, client, bureau, city, supervisor
):
    settings.SUPERVISION_MIN_VOLUME = 3
    commission = supervisor.cadre.department  # where the supervisors work: 市纪委监委
    small = DepartmentFactory(code="QH-JTJ", name="市交通局", parent=city)
    for n in range(6):
        _case(n, commission, supervisor.pk, rating=5)  # the commission handles complaints quickly and well
    for n in range(10, 14):
        _case(n, bureau, None, late=n < 12)
    _case(20, small, None)

    rows = performance.evaluate(performance.Period("month", 2026, 11))
    by_name = {r.name: r for r in rows}
    assert by_name["市纪委监委"].rank is None and by_name["市纪委监委"].supervising
    assert by_name["市市场监督管理局"].rank == 1 and by_name["市交通局"].rank is None
    handlers = performance.evaluate(performance.Period("month", 2026, 11), unit="handler")
    assert [r.rank for r in handlers] == [None]  # the supervisor is not ranked as a handler either

    client.force_login(supervisor)
    html = client.get(reverse("supervision_performance"), {"period": "month", "year": 2026, "n": 11}).content.decode()
    table = html.split("data-ranking>")[1].split("</table>")[0]
    assert "市市场监督管理局" in table and "市纪委监委" not in table and "市交通局" not in table
    assert "不参与排名" in html and "市纪委监委（监察机关本身）" in html and "市交通局（办件量低于 3）" in html
    assert "SUPERVISION_" not in html

    # A deployment names its supervising body by department code instead.
    settings.SUPERVISION_UNRANKED_DEPARTMENTS = ["QH-SJJ"]
    rows = {r.name: r for r in performance.evaluate(performance.Period("month", 2026, 11))}
    assert rows["市纪委监委"].rank == 1 and rows["市市场监督管理局"].rank is None
