import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Cadre, CadreGroup, DepartmentKind
from tests.directory.factories import CadreFactory, CadreGroupFactory, DepartmentFactory


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "pw")


def _cadre_list_queries(client, n_rows):
    department = DepartmentFactory()
    CadreFactory.create_batch(n_rows, department=department)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/admin/snippets/directory/cadre/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_cadre_list_query_count_does_not_grow_with_rows(client, superuser):
    client.force_login(superuser)
    few = _cadre_list_queries(client, 3)
    Cadre.objects.all().delete()
    many = _cadre_list_queries(client, 40)
    assert many <= few


@pytest.mark.django_db
def test_cadre_list_search_and_filters(client, superuser):
    client.force_login(superuser)
    township = DepartmentFactory(code="T1", name="青石镇", kind=DepartmentKind.TOWNSHIP)
    bureau = DepartmentFactory(code="B1", name="市教育局")
    CadreFactory(name="王建国", department=township, is_party_member=True)
    CadreFactory(name="李秀英", department=bureau, is_party_member=False)
    body = client.get("/admin/snippets/directory/cadre/", {"q": "王建国"}).content.decode()
    assert "王建国" in body and "李秀英" not in body
    body = client.get("/admin/snippets/directory/cadre/", {"department__kind": "township"}).content.decode()
    assert "王建国" in body and "李秀英" not in body
    body = client.get("/admin/snippets/directory/cadre/", {"is_party_member": "false"}).content.decode()
    assert "李秀英" in body and "王建国" not in body


@pytest.mark.django_db
def test_admin_menu_and_lists_are_in_chinese(client, superuser):
    client.force_login(superuser)
    DepartmentFactory(name="市发展和改革委员会")
    CadreGroupFactory(name="窗口工作人员")
    body = client.get("/admin/snippets/directory/department/").content.decode()
    assert "部门" in body and "市发展和改革委员会" in body
    assert "窗口工作人员" in client.get("/admin/snippets/directory/cadregroup/").content.decode()


@pytest.mark.django_db
def test_a_user_without_directory_permissions_cannot_read_cadres(client, django_user_model):
    user = django_user_model.objects.create_user("plain", password="pw")
    group = Group.objects.create(name="admin access only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    CadreFactory(name="张伟")
    response = client.get("/admin/snippets/directory/cadre/")
    assert response.status_code in (302, 403)
    assert "张伟" not in response.content.decode()


@pytest.mark.django_db
def test_adding_a_cadre_with_a_bad_phone_says_so_in_chinese_and_saves_nothing(client, superuser):
    client.force_login(superuser)
    department = DepartmentFactory()
    response = client.post(
        "/admin/snippets/directory/cadre/add/",
        {"name": "赵敏", "phone": "12345", "department": department.pk, "post": "科员", "rank": "staff"},
    )
    assert response.status_code == 200
    assert "输入一个合法的电话号码" in response.content.decode()
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_adding_a_cadre_through_the_admin_stores_the_phone_in_e164(client, superuser):
    client.force_login(superuser)
    department = DepartmentFactory()
    response = client.post(
        "/admin/snippets/directory/cadre/add/",
        {"name": "赵敏", "phone": "199 0000 1234", "department": department.pk, "post": "科员", "rank": "staff"},
    )
    assert response.status_code == 302
    assert str(Cadre.objects.get().phone) == "+8619900001234"


@pytest.mark.django_db
def test_a_cadre_group_is_built_with_the_cadre_chooser(client, superuser):
    client.force_login(superuser)
    first, second = CadreFactory.create_batch(2)
    response = client.post(
        "/admin/snippets/directory/cadregroup/add/",
        {
            "name": "乡镇纪委书记",
            "description": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-cadre": first.pk,
            "memberships-0-ORDER": "1",
            "memberships-0-id": "",
            "memberships-1-cadre": second.pk,
            "memberships-1-ORDER": "2",
            "memberships-1-id": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group = CadreGroup.objects.get(name="乡镇纪委书记")
    assert set(group.members.all()) == {first, second}
    listing = client.get("/admin/snippets/directory/cadregroup/").content.decode()
    assert "乡镇纪委书记" in listing
    edit = client.get(f"/admin/snippets/directory/cadregroup/edit/{group.pk}/")
    assert edit.status_code == 200
    assert first.name in edit.content.decode()


@pytest.mark.django_db
def test_a_service_centre_gets_its_address_phone_and_hours_in_the_department_form(client, superuser):
    from directory.models import Department

    client.force_login(superuser)
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    centre = Department.objects.create(
        code="QH-ZWFW", name="市政务服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=city
    )
    url = f"/admin/snippets/directory/department/edit/{centre.pk}/"
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "办事地点" in form and "咨询电话" in form and "办公时间" in form and 'name="address"' in form
    fields = {"name": centre.name, "code": centre.code, "kind": centre.kind, "parent": city.pk, "sort_order": 0}
    fields |= {"is_active": "on", "address": "清河市清河区滨江大道88号", "opening_hours": "周一至周五 9:00-17:00"}
    refused = client.post(url, {**fields, "phone": "call us"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and "请输入由数字组成的电话号码" in refused.content.decode()
    centre.refresh_from_db()
    assert centre.address == ""
    saved = client.post(url, {**fields, "phone": "0736-68210000"})
    assert saved.status_code == 302
    centre.refresh_from_db()
    assert (centre.address, centre.phone, centre.phone_uri) == (
        "清河市清河区滨江大道88号",
        "0736-68210000",
        "tel:073668210000",
    )
