import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from directory.roles import role_group, sync_roles
from sms.models import Campaign, CampaignRun, Delivery, DeliveryStatus, Message
from tests.directory.factories import CadreFactory


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"廉政提醒{n}")
    text = "节日将至，请严守廉洁纪律。"
    all_cadres = True


class CampaignRunFactory(DjangoModelFactory):
    class Meta:
        model = CampaignRun

    campaign = factory.SubFactory(CampaignFactory)
    occurrence = factory.Sequence(lambda n: f"run-{n}")
    body = "【清河市纪委监委】节日将至，请严守廉洁纪律。"
    status = CampaignRun.Status.DISPATCHING
    started_at = factory.LazyFunction(timezone.now)


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    run = factory.SubFactory(CampaignRunFactory)
    cadre = factory.SubFactory(CadreFactory)
    phone = factory.LazyAttribute(lambda d: d.cadre.phone)
    status = DeliveryStatus.QUEUED


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    direction = "out"
    kind = "notice"
    phone = "+8613800000001"
    body = "【清河市纪委监委】通知"
    gateway = "console"


def user_with_role(code, username=None):
    """A staff user in one of the role groups (directory/roles.py)."""
    sync_roles()
    user = get_user_model().objects.create_user(username or code, password="pw")
    user.groups.add(role_group(code))
    return user
