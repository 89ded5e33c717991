import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import ALLOWED_PARENT_KINDS, Cadre, Department, DepartmentKind
from tests.directory.factories import CadreFactory, DepartmentFactory

# Numbers outside the demo block (+86 199 0000 xxxx), which load_demo owns.
MOBILE = "+8613800138000"


@pytest.fixture
def tree(db):
    city = DepartmentFactory(code="QH", name="清河市", kind=DepartmentKind.CITY)
    county = DepartmentFactory(code="QH-LJX", name="临江县", kind=DepartmentKind.COUNTY, parent=city)
    township = DepartmentFactory(code="QH-LJX-01", name="临江镇", kind=DepartmentKind.TOWNSHIP, parent=county)
    centre = DepartmentFactory(
        code="QH-LJX-01-BM", name="临江镇便民服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=township
    )
    other_county = DepartmentFactory(code="QH-BSX", name="白石县", kind=DepartmentKind.COUNTY, parent=city)
    return {"city": city, "county": county, "township": township, "centre": centre, "other_county": other_county}


def _refreshed(*departments):
    for department in departments:
        department.refresh_from_db()
    return departments


def test_saving_computes_path_and_depth_from_the_parent(tree):
    assert (tree["city"].path, tree["city"].depth) == ("/QH/", 1)
    assert (tree["county"].path, tree["county"].depth) == ("/QH/QH-LJX/", 2)
    assert (tree["centre"].path, tree["centre"].depth) == ("/QH/QH-LJX/QH-LJX-01/QH-LJX-01-BM/", 4)
    assert [d.code for d in tree["centre"].ancestors()] == ["QH", "QH-LJX", "QH-LJX-01"]


def test_moving_a_department_rewrites_the_paths_of_everything_below_it(tree):
    township, centre = tree["township"], tree["centre"]
    township.parent = tree["other_county"]
    township.save()

    township, centre = _refreshed(township, centre)
    assert (township.path, township.depth) == ("/QH/QH-BSX/QH-LJX-01/", 3)
    assert (centre.path, centre.depth) == ("/QH/QH-BSX/QH-LJX-01/QH-LJX-01-BM/", 4)
    assert list(Department.objects.subtree(tree["other_county"])) == [tree["other_county"], township, centre]
    assert list(Department.objects.subtree(tree["county"])) == [tree["county"]]


def test_recoding_a_department_rewrites_its_descendants_paths(tree):
    county = tree["county"]
    county.code = "QH-LJ"
    county.save()
    (centre,) = _refreshed(tree["centre"])
    assert centre.path == "/QH/QH-LJ/QH-LJX-01/QH-LJX-01-BM/"


def test_moving_a_department_leaves_departments_with_a_similar_code_alone(tree):
    # "/QH/QH-LJX/" is a prefix of neither "/QH/QH-LJX2/" nor its children: the separator closes each code.
    lookalike = DepartmentFactory(code="QH-LJX2", kind=DepartmentKind.COUNTY, parent=tree["city"])
    tree["county"].code = "QH-LJ"
    tree["county"].save()
    (lookalike,) = _refreshed(lookalike)
    assert lookalike.path == "/QH/QH-LJX2/"


def test_subtree_is_the_department_and_everything_below_it(tree):
    assert set(Department.objects.subtree(tree["county"])) == {tree["county"], tree["township"], tree["centre"]}
    assert Department.objects.subtree(tree["city"]).count() == 5
    assert list(Department.objects.subtree(tree["centre"])) == [tree["centre"]]


@pytest.mark.parametrize(
    ("kind", "parent_key"),
    [
        (DepartmentKind.TOWNSHIP, "city"),  # a township sits under a county
        (DepartmentKind.COUNTY, "county"),
        (DepartmentKind.CITY, "county"),
        (DepartmentKind.BUREAU, "township"),
        (DepartmentKind.COUNTY, None),
    ],
)
def test_clean_rejects_a_parent_of_the_wrong_kind(tree, kind, parent_key):
    department = Department(code="NEW", name="新部门", kind=kind, parent=tree[parent_key] if parent_key else None)
    with pytest.raises(ValidationError) as excinfo:
        department.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_clean_accepts_the_kinds_of_a_prefecture_level_city(tree):
    Department(code="B1", name="市教育局", kind=DepartmentKind.BUREAU, parent=tree["city"]).full_clean()
    Department(code="B2", name="县教育局", kind=DepartmentKind.BUREAU, parent=tree["county"]).full_clean()
    Department(code="S1", name="政务服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=tree["city"]).full_clean()


def test_clean_rejects_placing_a_department_under_itself_or_its_descendant(tree, monkeypatch):
    county = tree["county"]
    county.parent = county
    with pytest.raises(ValidationError):
        county.clean()

    # Even where the kinds would allow nesting, the cycle itself is refused.
    monkeypatch.setitem(
        ALLOWED_PARENT_KINDS, DepartmentKind.BUREAU, {DepartmentKind.CITY, DepartmentKind.COUNTY, DepartmentKind.BUREAU}
    )
    upper = DepartmentFactory(code="B-UP", kind=DepartmentKind.BUREAU, parent=tree["city"])
    lower = DepartmentFactory(code="B-LOW", kind=DepartmentKind.BUREAU, parent=upper)
    upper.parent = lower
    with pytest.raises(ValidationError) as excinfo:
        upper.clean()
    assert "parent" in excinfo.value.message_dict
    Department.objects.get(pk=lower.pk).clean()  # the saved, legitimate arrangement stays valid


@pytest.mark.django_db
@pytest.mark.parametrize("entered", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000"])
def test_a_cadre_phone_is_stored_in_e164_whatever_the_format_entered(entered):
    cadre = CadreFactory(phone=entered)
    cadre.refresh_from_db()
    assert cadre.phone.as_e164 == MOBILE
    assert Cadre.objects.filter(phone=MOBILE).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("entered", ["12345", "1380013800", "not a phone", "010 6552 9988"])
def test_full_clean_rejects_an_invalid_or_landline_phone(entered):
    cadre = CadreFactory.build(phone=entered, department=DepartmentFactory())
    with pytest.raises(ValidationError) as excinfo:
        cadre.full_clean()
    assert "phone" in excinfo.value.message_dict


@pytest.mark.django_db
def test_two_cadres_cannot_share_a_phone_number():
    CadreFactory(phone=MOBILE)
    duplicate = CadreFactory.build(phone="138 0013 8000", department=DepartmentFactory())
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "phone" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.django_db
def test_sms_opt_in_changed_at_records_only_changes_of_the_subscription():
    cadre = CadreFactory(phone=MOBILE)
    subscribed_at = cadre.sms_opt_in_changed_at

    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.post = "副科长"
    cadre.save()
    cadre.refresh_from_db()
    assert cadre.sms_opt_in_changed_at == subscribed_at

    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.sms_opt_in = False
    cadre.save(update_fields=["sms_opt_in"])
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False
    assert subscribed_at is None or cadre.sms_opt_in_changed_at > subscribed_at
    assert cadre.sms_opt_in_changed_at is not None
    opted_out_at = cadre.sms_opt_in_changed_at

    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.save()
    cadre.refresh_from_db()
    assert cadre.sms_opt_in_changed_at == opted_out_at

    cadre.sms_opt_in = True
    cadre.save()
    cadre.refresh_from_db()
    assert cadre.sms_opt_in_changed_at > opted_out_at
