import pytest

from directory.models import DepartmentKind
from tests.directory.factories import CadreFactory, DepartmentFactory


@pytest.fixture
def city(db):
    return DepartmentFactory(code="QH", name="清河市", kind=DepartmentKind.CITY)


@pytest.fixture
def bureau(city):
    return DepartmentFactory(code="QH-SJJ", name="市市场监督管理局", short_name="市场监管局", parent=city)


@pytest.fixture
def handler(django_user_model, bureau):
    user = django_user_model.objects.create_user("handler1", password="x", first_name="李明")
    CadreFactory(name="李明", phone="+8613800000001", department=bureau, user=user)
    return user


@pytest.fixture
def supervisor(django_user_model, city):
    from directory.roles import role_group, sync_roles

    sync_roles()
    user = django_user_model.objects.create_user("supervisor1", password="x", first_name="王监察")
    user.groups.add(role_group("supervisor"))
    commission = DepartmentFactory(code="QH-JW", name="市纪委监委", parent=city)
    CadreFactory(name="王监察", phone="+8613800000002", department=commission, user=user)
    return user


@pytest.fixture
def signing_key(settings, tmp_path):
    from supervision.audit import new_key_pair

    private, public = new_key_pair()
    settings.SUPERVISION_SIGNING_KEY = private
    settings.SUPERVISION_PUBLIC_KEY = public
    settings.SUPERVISION_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return public
