import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

from cms.models import HomePage
from directory import demo as demo_module
from directory.demo import DEMO_CADRE_COUNT, DEMO_PHONE_PREFIX, DEMO_USERS, load_demo, person_specs
from directory.models import Cadre, CadreGroup, Department, DepartmentKind, Rank
from directory.roles import ROLES_BY_CODE
from tests.demo import demo_snapshot


@demo_snapshot
def _snapshot():
    """What a user of the demo sees: counts, the people, the group memberships, the logins."""
    return {
        "departments": sorted(Department.objects.values_list("code", "name", "kind", "path")),
        "phones": {phone.as_e164 for phone in Cadre.objects.values_list("phone", flat=True)},
        "cadres": Cadre.objects.count(),
        "memberships": {
            group.name: {c.phone.as_e164 for c in group.members.all()} for group in CadreGroup.objects.all()
        },
        "users": sorted(get_user_model().objects.values_list("pk", "username", "password")),
    }


def _run_command(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_loading_the_demo_twice_gives_the_same_city_and_prints_passwords_only_once(demo):
    first_output, second_output = demo.outputs
    first = demo.first["_snapshot"]

    assert _snapshot() == first
    assert first["cadres"] == DEMO_CADRE_COUNT == len(first["phones"])
    assert all(phone.startswith(DEMO_PHONE_PREFIX) for phone in first["phones"])
    # The password table is printed once, at creation; the second run points to --reset-passwords instead.
    for username, *_rest in DEMO_USERS:
        assert username in first_output
    first_passwords = [line.split()[1] for line in first_output.splitlines() if line.startswith("  admin ")]
    assert first_passwords and first_passwords[0] not in second_output
    assert "--reset-passwords" in second_output and "--reset-passwords" not in first_output


def test_the_generated_people_are_the_same_on_every_run_and_look_like_a_real_civil_service():
    people = person_specs()
    assert people == person_specs()
    assert len(people) == DEMO_CADRE_COUNT
    assert len({p.phone for p in people}) == DEMO_CADRE_COUNT
    assert all(2 <= len(p.name) <= 3 for p in people)

    party_share = sum(p.is_party_member for p in people) / len(people)
    assert 0.8 <= party_share <= 0.9
    opted_out = sum(not p.sms_opt_in for p in people)
    assert 5 <= opted_out <= 60

    ranks_by_post = {}
    for p in people:
        ranks_by_post.setdefault(p.post, set()).add(p.rank)
    assert ranks_by_post["局长"] == {Rank.DIVISION}
    assert ranks_by_post["副局长"] == {Rank.DEPUTY_DIVISION}
    assert ranks_by_post["科员"] == {Rank.STAFF}
    assert ranks_by_post["窗口工作人员"] == {Rank.STAFF}
    assert ranks_by_post["镇长"] == {Rank.SECTION}
    assert ranks_by_post["纪委书记"] == {Rank.DEPUTY_SECTION}
    assert ranks_by_post["市长"] == {Rank.BUREAU}


def test_the_demo_city_has_the_shape_of_a_prefecture_level_city(demo):
    kinds = Counter(Department.objects.values_list("kind", flat=True))
    assert kinds[DepartmentKind.CITY] == 1
    assert kinds[DepartmentKind.COUNTY] == 6
    assert kinds[DepartmentKind.TOWNSHIP] == 30
    assert kinds[DepartmentKind.SERVICE_CENTRE] == 31
    assert kinds[DepartmentKind.BUREAU] == 10

    city = Department.objects.get(code="QH")
    assert city.name == "清河市"
    assert Department.objects.subtree(city).count() == Department.objects.count()
    for township in Department.objects.filter(kind=DepartmentKind.TOWNSHIP):
        centres = township.children.filter(kind=DepartmentKind.SERVICE_CENTRE)
        assert [c.name for c in centres] == [f"{township.name}便民服务中心"]
        assert township.parent.kind == DepartmentKind.COUNTY
    for department in Department.objects.select_related("parent"):
        department.full_clean()  # the tree obeys the rules an administrator editing it would meet
        assert department.cadres.exists(), department.name

    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage

    groups = {group.name: group.members.count() for group in CadreGroup.objects.all()}
    assert groups["乡镇纪委书记"] == 30
    assert groups["窗口工作人员"] == Cadre.objects.filter(post="窗口工作人员").count() > 30
    assert 0 < groups["新任职干部"] < groups["全市科级以上干部"]


def test_every_demo_login_opens_the_admin_with_its_role_and_cadre(client, demo):
    assert set(demo.passwords) == {username for username, *_rest in DEMO_USERS}

    User = get_user_model()
    for username, role_code, department_code, post in DEMO_USERS:
        assert client.login(username=username, password=demo.passwords[username]), username
        assert client.get("/admin/").status_code == 200, username
        user = User.objects.select_related("cadre__department").get(username=username)
        assert (user.cadre.department.code, user.cadre.post) == (department_code, post)
        if role_code:
            assert list(user.groups.values_list("name", flat=True)) == [ROLES_BY_CODE[role_code].name]
        else:
            assert user.is_superuser
        client.logout()
    assert User.objects.get(username="window").cadre.department.kind == DepartmentKind.SERVICE_CENTRE
    assert User.objects.get(username="handler").cadre.department.kind == DepartmentKind.BUREAU


def directory_steps_only(monkeypatch):
    """Reruns of the directory's own steps: the people and logins, without the other apps' content."""
    own = {name: step for name, step in demo_module._steps.items() if name.startswith("directory.")}
    monkeypatch.setattr(demo_module, "_steps", own)


def test_a_rerun_keeps_what_people_changed_and_reset_passwords_gives_new_ones(client, demo, monkeypatch):
    directory_steps_only(monkeypatch)
    cadre = Cadre.objects.filter(sms_opt_in=True).first()
    cadre.sms_opt_in = False
    cadre.save()
    Cadre.objects.exclude(pk=cadre.pk).first().delete()

    second = load_demo()
    assert second.passwords == {}
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False  # an opt-out is the cadre's choice; the demo does not undo it
    assert Cadre.objects.count() == DEMO_CADRE_COUNT  # a deleted demo cadre comes back

    third = load_demo(reset_passwords=True)
    assert set(third.passwords) == set(demo.passwords)
    assert third.passwords["supervisor"] != demo.passwords["supervisor"]
    assert not client.login(username="supervisor", password=demo.passwords["supervisor"])
    assert client.login(username="supervisor", password=third.passwords["supervisor"])


@pytest.mark.django_db
def test_if_empty_loads_nothing_once_departments_exist():
    Department.objects.create(code="X1", name="某局", kind=DepartmentKind.BUREAU)
    output = _run_command("--if-empty")
    assert len(output.strip().splitlines()) == 1
    assert Cadre.objects.count() == 0 and not get_user_model().objects.exists()


def test_if_empty_on_a_later_start_names_the_demo_logins_without_passwords(demo):
    output = _run_command("--if-empty")
    assert "editor" in output and "supervisor" in output and "--reset-passwords" in output
    assert all(password not in output for password in demo.passwords.values())


def test_other_apps_add_their_demo_content_as_a_step(monkeypatch, demo):
    seen = []
    directory_steps_only(monkeypatch)

    @demo_module.demo_step
    def load_something(run):
        seen.append(Department.objects.filter(code="QH").exists())  # runs after the directory step
        run.count("something", created=3, total=3)

    run = load_demo()
    assert seen == [True]
    assert ("something", 3, 3) in run.rows
