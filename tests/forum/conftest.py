import pytest

from directory.roles import role_group
from forum.models import ModerationMode
from tests.forum.factories import UserFactory, make_board


@pytest.fixture
def board(home_page):
    return make_board("廉政论坛", ModerationMode.POST, slug="lianzheng")


@pytest.fixture
def pre_board(home_page):
    return make_board("意见建议", ModerationMode.PRE, slug="yijian")


@pytest.fixture
def user(db):
    return UserFactory(username="citizen", first_name="张三")


@pytest.fixture
def other_user(db):
    return UserFactory(username="neighbour", first_name="李四")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod", first_name="版主")
    user.groups.add(role_group("moderator"))
    return user
