"""The app's catalogue: pages of items, a department filter with its choices, and where an item is handled."""

import json

import pytest

from approvals import selectors
from approvals.models import ApprovalItem
from directory.models import Department, DepartmentKind

pytestmark = pytest.mark.django_db

PAGE = """query($department: ID, $page: Int) {
  approvalItems(departmentId: $department, page: $page, pageSize: 20) {
    items { code department { name } } pageInfo { number numPages total hasNext hasPrevious } }
  approvalDepartments { id name itemCount } }"""


@pytest.fixture
def gql(client):
    def run(query, variables=None):
        response = client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    return run


def _items(department, n, start=0, published=True):
    for i in range(start, start + n):
        ApprovalItem.objects.create(
            code=f"{department.code}-{i:03d}",
            name=f"事项{i}",
            department=department,
            theme="business",
            legal_basis="法",
            conditions="条件",
            statutory_days=10,
            promised_days=5,
            is_published=published,
        )


def test_forty_items_come_in_two_pages_and_a_department_narrows_them(gql, city, django_assert_max_num_queries):
    _items(city.sjj, 25)
    _items(city.zjj, 15, start=100)
    _items(city.wjw, 3, start=200, published=False)  # a department with nothing published is no choice
    gql(PAGE)  # warm the site caches
    with django_assert_max_num_queries(4):
        first = gql(PAGE)["data"]
    info = first["approvalItems"]["pageInfo"]
    assert len(first["approvalItems"]["items"]) == 20
    assert info == {"number": 1, "numPages": 2, "total": 40, "hasNext": True, "hasPrevious": False}
    second = gql(PAGE, {"page": 2})["data"]["approvalItems"]
    assert len(second["items"]) == 20 and second["pageInfo"]["hasNext"] is False
    codes = {i["code"] for i in first["approvalItems"]["items"]} | {i["code"] for i in second["items"]}
    assert len(codes) == 40

    choices = first["approvalDepartments"]
    assert [(c["name"], c["itemCount"]) for c in choices] == [("市市场监督管理局", 25), ("市住房和城乡建设局", 15)]
    zjj = next(c["id"] for c in choices if c["itemCount"] == 15)
    narrowed = gql(PAGE, {"department": zjj})["data"]["approvalItems"]
    assert narrowed["pageInfo"]["total"] == 15 and narrowed["pageInfo"]["numPages"] == 1
    assert {i["department"]["name"] for i in narrowed["items"]} == {"市住房和城乡建设局"}


def test_department_choices_cost_one_query_however_many_departments(city, django_assert_num_queries):
    _items(city.sjj, 2)
    with django_assert_num_queries(1):
        few = list(selectors.catalogue_departments())
    for n in range(6):
        bureau = Department.objects.create(
            code=f"QH-B{n}", name=f"市局{n}", kind=DepartmentKind.BUREAU, parent=city.city
        )
        _items(bureau, 1)
    with django_assert_num_queries(1):
        many = list(selectors.catalogue_departments())
    assert len(few) == 1 and len(many) == 7 and many[0].item_count in (1, 2)


def _townships(city, code, county_name, names):
    county = Department.objects.create(code=code, name=county_name, kind=DepartmentKind.COUNTY, parent=city.city)
    centres = []
    for i, name in enumerate(names):
        township = Department.objects.create(
            code=f"{county.code}-{i}", name=name, kind=DepartmentKind.TOWNSHIP, parent=county
        )
        centres.append(
            Department.objects.create(
                code=f"{township.code}-BM",
                name=f"{name}便民服务中心",
                kind=DepartmentKind.SERVICE_CENTRE,
                parent=township,
            )
        )
    return centres


def test_handling_places_group_the_township_centres_by_county(gql, item, city, django_assert_max_num_queries):
    item.township_centres.add(*_townships(city, "QH-M-BSX", "白石县", ["白石镇", "石门镇", "青岗镇"]))
    item.township_centres.add(*_townships(city, "QH-N-YLX", "云岭县", ["云岭镇", "雾溪镇"]))
    selectors.next_public_holiday()  # the office calendar is read once per process and cached
    with django_assert_max_num_queries(2):
        places = selectors.handling_places(item)
    assert [p.name for p in places.city] == ["市政务服务中心"] and places.township_count == 6
    assert [(g.name, [p.name for p in g.places]) for g in places.groups] == [
        ("临江县", ["临江镇"]),
        ("白石县", ["白石镇", "石门镇", "青岗镇"]),
        ("云岭县", ["云岭镇", "雾溪镇"]),
    ]
    data = gql('{ approvalItem(code: "QH-SJJ-001") { handlingPlaces { city townshipCount groups { name places } } } }')
    api = data["data"]["approvalItem"]["handlingPlaces"]
    assert api["townshipCount"] == 6 and api["groups"][2] == {"name": "云岭县", "places": ["云岭镇", "雾溪镇"]}


def _fill_contacts(city):
    Department.objects.filter(pk=city.centre.pk).update(
        address="清河市清河区滨江大道88号", phone="0736-68210000", opening_hours="周一至周五 9:00-12:00，13:30-17:00"
    )
    Department.objects.filter(pk=city.township_centre.pk).update(
        address="清河市临江县临江镇沿江路168号", phone="0736 6824 0001", opening_hours="周一至周五 8:30-17:30"
    )


def test_each_centre_has_its_address_hours_and_phone_in_constant_queries(
    gql, item, city, django_assert_max_num_queries
):
    _fill_contacts(city)
    selectors.next_public_holiday()
    with django_assert_max_num_queries(2):
        few = selectors.handling_places(item)
    item.township_centres.add(*_townships(city, "QH-M-BSX", "白石县", ["白石镇", "石门镇", "青岗镇", "松坪乡"]))
    with django_assert_max_num_queries(2):
        many = selectors.handling_places(item)
    assert few.township_count == 1 and many.township_count == 5
    centre = many.city[0]
    assert (centre.address, centre.phone, centre.phone_uri) == (
        "清河市清河区滨江大道88号",
        "0736-68210000",
        "tel:073668210000",
    )
    town = many.groups[0].places[0]
    assert (
        town.name == "临江镇" and town.phone_uri == "tel:073668240001" and town.opening_hours == "周一至周五 8:30-17:30"
    )
    assert not many.groups[1].places[0].has_details  # a centre nobody filled in stays a plain name

    data = gql(
        """{ approvalItem(code: "QH-SJJ-001") { handlingPlaces {
        cityCentres { name address phone phoneUri openingHours }
        groups { name centres { name address phoneUri } } nextHoliday { name firstDay lastDay provisional } } } }"""
    )
    api = data["data"]["approvalItem"]["handlingPlaces"]
    assert api["cityCentres"][0]["phoneUri"] == "tel:073668210000"
    assert api["groups"][0]["centres"][0] == {
        "name": "临江镇",
        "address": "清河市临江县临江镇沿江路168号",
        "phoneUri": "tel:073668240001",
    }
    assert api["groups"][1]["centres"][0]["address"] == ""
    assert api["nextHoliday"]["name"] and api["nextHoliday"]["lastDay"] >= api["nextHoliday"]["firstDay"]
    assert api["nextHoliday"]["provisional"] is selectors.next_public_holiday().provisional


def test_next_public_holiday_is_the_running_or_coming_period():
    import datetime

    assert "中秋节" in selectors.next_public_holiday(datetime.date(2026, 9, 1)).name
    assert "国庆节" in selectors.next_public_holiday(datetime.date(2026, 9, 29)).name
    running = selectors.next_public_holiday(datetime.date(2026, 10, 3))
    assert running.first_day <= datetime.date(2026, 10, 3) <= running.last_day


def test_item_page_lists_the_places_grouped_not_as_one_paragraph(client, item, city):
    item.is_published = True
    item.save()
    item.township_centres.add(*_townships(city, "QH-M-BSX", "白石县", ["白石镇", "石门镇"]))
    html = client.get("/approvals/items/QH-SJJ-001/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<h3>白石县</h3><ul class="ap-chips"><li>白石镇</li><li>石门镇</li></ul>' in html
    assert "市本级" in html and "另可在 3 个乡镇（街道）便民服务中心办理" in html


def test_item_page_shows_each_centre_s_address_hours_and_phone(client, item, city):
    item.is_published = True
    item.save()
    _fill_contacts(city)
    html = client.get("/approvals/items/QH-SJJ-001/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "清河市清河区滨江大道88号" in html and "周一至周五 9:00-12:00，13:30-17:00" in html
    assert '<a href="tel:073668210000">0736-68210000</a>' in html
    assert "<summary>临江镇</summary>" in html and '<a href="tel:073668240001">0736 6824 0001</a>' in html
    assert html.count("法定节假日休息") == 2 and "近期休息：" in html
