"""阳光政务: the public performance page and its open data, by month, for the city and each department, with the
minimum-volume rule, complaints through core.figures, and a query count that does not grow with the departments."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import performance
from approvals.models import Application, ApprovalItem, MonthlyFigures, Rating
from complaints.models import Complaint
from directory.models import Department, DepartmentKind

pytestmark = pytest.mark.django_db


def last_month():
    return performance.add_months(performance.first_of_month(timezone.localdate()), -1)


def at(month, day, hour=10):
    return timezone.make_aware(datetime.datetime(month.year, month.month, day, hour))


def _item(department, n):
    return ApprovalItem.objects.create(
        code=f"{department.code}-{n:03d}",
        name=f"事项{n}",
        department=department,
        theme="business",
        legal_basis="法",
        conditions="条件",
        statutory_days=20,
        promised_days=10,
    )


def _completed(item, centre, month, count, late=0):
    """`count` completed applications of the month, the first `late` of them after their promised time."""
    rows = []
    for n in range(count):
        accepted = at(month, 2)
        due = accepted + datetime.timedelta(days=10)
        done = due + datetime.timedelta(days=1) if n < late else accepted + datetime.timedelta(days=5)
        rows.append(
            Application(
                tracking_number=f"QF{item.pk:03d}{month:%m}{n:04d}",
                code_hash="x",
                item=item,
                service_centre=centre,
                state="completed",
                applicant_kind="person",
                applicant_name="张三",
                applicant_phone="+8613900000000",
                submitted_at=accepted,
                accepted_at=accepted,
                due_at=due,
                completed_at=done,
            )
        )
    return Application.objects.bulk_create(rows)


def _complaint(department, received, substantiated_at=None):
    complaint = Complaint.objects.create(
        reference=f"TS{Complaint.objects.count():06d}",
        category="other",
        description="反映",
        concerned_department=department,
        receipt_salt="s",
        receipt_hash="h",
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=received,
        closed_at=substantiated_at,
        decision="substantiated" if substantiated_at else "",
        status="concluded" if substantiated_at else "received",
    )


@pytest.fixture
def units(db):
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    centre = Department.objects.create(
        code="QH-ZX", name="市政务服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=city
    )
    busy = Department.objects.create(code="QH-SJJ", name="市市场监督管理局", kind=DepartmentKind.BUREAU, parent=city)
    quiet = Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU, parent=city)
    return city, centre, busy, quiet


def _fill(units):
    city, centre, busy, quiet = units
    month = last_month()
    busy_apps = _completed(_item(busy, 1), centre, month, 8, late=2)
    _completed(_item(quiet, 1), centre, month, 2)
    for n, app in enumerate(busy_apps[:7]):
        bad = n in (0, 6)  # two bad ratings: one answered by its due time (差评整改回访), one after it
        Rating.objects.create(
            application=app,
            department=busy,
            stars=1 if bad else 5,
            is_bad=bad,
            created_at=at(month, 20),
            answer_due_at=at(month, 27) if bad else None,
            answered_at={0: at(month, 26), 6: at(month, 28)}.get(n),
        )
    _complaint(busy, at(month, 3), substantiated_at=at(month, 25))
    _complaint(quiet, at(month, 4))
    _complaint(None, at(month, 5))
    return month


def test_figures_by_month_with_the_minimum_volume_rule_and_complaints(units, settings):
    settings.SUPERVISION_MIN_VOLUME = 5
    month = _fill(units)
    performance.refresh([month])
    report = performance.report()
    busy, quiet = (report.unit(code).at(month) for code in ("QH-SJJ", "QH-ZJJ"))
    assert (busy.handled, busy.on_time, busy.on_time_rate) == (8, 6, 0.75)
    assert busy.time_used == pytest.approx((2 * 11 / 10 + 6 * 0.5) / 8)
    assert (busy.ratings, busy.average_stars, busy.bad_share) == (7, pytest.approx(27 / 7), pytest.approx(2 / 7))
    assert (busy.bad_ratings, busy.bad_answered_on_time) == (2, 1)
    assert (busy.complaints_received, busy.complaints_substantiated) == (1, 1)
    # Under the minimum: counts, but no rate.
    assert (quiet.handled, quiet.on_time_rate, quiet.time_used, quiet.below_minimum) == (2, None, None, True)
    assert quiet.complaints_received == 1
    whole = report.city.at(month)
    assert (whole.handled, whole.on_time, whole.items) == (10, 8, 2)
    assert whole.complaints_received == 3  # one named no department
    # A second run replaces the month's rows: nothing counted twice.
    performance.refresh([month])
    assert MonthlyFigures.objects.filter(month=month).count() == 3


def test_the_page_and_open_data_cost_the_same_queries_for_three_or_thirty_departments(client, units):
    month = _fill(units)
    performance.refresh([month])
    url = reverse("approvals:performance")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, {"month": f"{month:%Y-%m}"})  # warm the per-process caches (site root, footer settings)
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as page:
            response = client.get(url, {"month": f"{month:%Y-%m}"})
        with CaptureQueriesContext(connection) as export:
            client.get(reverse("approvals:performance_json"))
            client.get(reverse("approvals:performance_csv"))
        counts.append((len(page), len(export)))
        assert response.status_code == 200
        if _round:
            break
        city = units[0]
        for n in range(27):
            extra = Department.objects.create(code=f"QH-X{n:02d}", name=f"市第{n}局", kind="bureau", parent=city)
            _completed(_item(extra, 1), units[1], month, 6)
        performance.refresh([month])
    assert counts[0] == counts[1]
    assert counts[0][0] <= 8
    page = response.content.decode()
    assert "<svg" in page and "<title" in page and "市第26局" in page
    assert "按期整改 1/2" in page and "差评按期整改回访 1/2" in page  # the department's row and the city's card


def test_the_open_data_follows_its_schema(client, units):
    month = _fill(units)
    performance.refresh([month])
    data = client.get(reverse("approvals:performance_json")).json()
    assert set(data) == {"title", "computed_at", "minimum_volume", "fields", "rows"}
    rows = {(r["month"], r["unit"]): r for r in data["rows"]}
    busy = rows[f"{month:%Y-%m}", "QH-SJJ"]
    assert list(busy) == list(data["fields"])
    assert busy["on_time_rate"] == 0.75 and busy["below_minimum_volume"] is False
    assert (busy["bad_ratings"], busy["bad_ratings_answered_on_time"]) == (2, 1)
    assert rows[f"{month:%Y-%m}", "QH-ZJJ"]["on_time_rate"] is None
    assert rows[f"{month:%Y-%m}", "city"]["applications_handled"] == 10

    response = client.get(reverse("approvals:performance_csv"))
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    quiet = next(r for r in table if r["unit"] == "QH-ZJJ")
    assert (
        quiet["on_time_rate"] == ""
        and quiet["below_minimum_volume"] == "true"
        and quiet["unit_name"] == "市住房和城乡建设局"
    )


def test_the_home_page_and_the_catalogue_link_to_the_page(client, units):
    catalogue = client.get(reverse("approvals:catalogue")).content.decode()
    assert reverse("approvals:performance") in catalogue
    page = client.get(reverse("approvals:performance"))
    assert page.status_code == 200 and "阳光政务" in page.content.decode()
