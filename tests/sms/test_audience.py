import pytest

from directory.models import CadreGroupMembership, DepartmentKind
from sms.audience import audience
from tests.directory.factories import CadreFactory, CadreGroupFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = DepartmentFactory(code="QH", kind=DepartmentKind.CITY)
    county = DepartmentFactory(code="QH-LJ", kind=DepartmentKind.COUNTY, parent=city)
    town = DepartmentFactory(code="QH-LJ-DZ", kind=DepartmentKind.TOWNSHIP, parent=county)
    # A sibling whose code starts like the county's must not be taken for its subunit.
    other = DepartmentFactory(code="QH-LJX", kind=DepartmentKind.COUNTY, parent=city)
    return city, county, town, other


def names(qs):
    return [c.name for c in qs]


def test_all_cadres_minus_opted_out_ordered_by_pk(make_campaign, tree):
    a = CadreFactory(name="甲", department=tree[0])
    CadreFactory(name="乙", department=tree[1], sms_opt_in=False)
    c = CadreFactory(name="丙", department=tree[2])
    qs = audience(make_campaign(all_cadres=True))
    assert hasattr(qs, "iterator")  # a queryset, not a list
    assert list(qs) == [a, c]


def test_department_includes_its_subtree_only(make_campaign, tree):
    city, county, town, other = tree
    CadreFactory(name="市", department=city)
    CadreFactory(name="县", department=county)
    CadreFactory(name="镇", department=town)
    CadreFactory(name="他县", department=other)
    assert names(audience(make_campaign(departments=[county]))) == ["县", "镇"]


def test_union_of_departments_groups_posts_and_ranks_without_duplicates(make_campaign, tree):
    city, county, town, other = tree
    in_county = CadreFactory(name="县", department=county, post="局长")
    in_group = CadreFactory(name="组", department=other)
    CadreFactory(name="职务", department=other, post="纪检员")
    CadreFactory(name="职级", department=other, rank="division")
    CadreFactory(name="无关", department=other)
    group = CadreGroupFactory()
    for cadre in (in_group, in_county):
        CadreGroupMembership.objects.create(group=group, cadre=cadre)
    campaign = make_campaign(departments=[county], groups=[group], posts=["纪检员", "局长"], ranks=["division"])
    assert names(audience(campaign)) == ["县", "组", "职务", "职级"]


def test_exclusions_and_opt_out_win_over_inclusion(make_campaign, tree):
    city, county, town, other = tree
    CadreFactory(name="县", department=county)
    CadreFactory(name="镇", department=town)
    grouped = CadreFactory(name="组", department=other)
    excluded = CadreFactory(name="点名", department=other)
    CadreFactory(name="退订", department=other, sms_opt_in=False)
    kept = CadreFactory(name="留", department=other)
    group = CadreGroupFactory()
    CadreGroupMembership.objects.create(group=group, cadre=grouped)
    campaign = make_campaign(
        all_cadres=True, exclude_departments=[county], exclude_groups=[group], exclude_cadres=[excluded]
    )
    assert list(audience(campaign)) == [kept]
    # Opted-out cadres are counted for a preview only when asked.
    assert "退订" in names(audience(campaign, include_opted_out=True))


def test_nothing_chosen_means_nobody(make_campaign, tree):
    CadreFactory(department=tree[0])
    assert list(audience(make_campaign(all_cadres=False))) == []


def test_audience_is_one_query_whatever_its_size(make_campaign, tree, django_assert_num_queries):
    group = CadreGroupFactory()
    for i in range(30):
        cadre = CadreFactory(department=tree[i % 4])
        if i % 3 == 0:
            CadreGroupMembership.objects.create(group=group, cadre=cadre)
    campaign = make_campaign(departments=[tree[1]], groups=[group], exclude_departments=[tree[2]])
    qs = audience(campaign)
    with django_assert_num_queries(1):
        assert len(list(qs.iterator(chunk_size=7))) > 0
