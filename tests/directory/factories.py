import factory
from factory.django import DjangoModelFactory

from directory.models import Cadre, CadreGroup, Department, DepartmentKind


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    kind = DepartmentKind.BUREAU
    parent = None


class CadreFactory(DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    department = factory.SubFactory(DepartmentFactory)
    post = "科员"


class CadreGroupFactory(DjangoModelFactory):
    class Meta:
        model = CadreGroup

    name = factory.Sequence(lambda n: f"分组{n}")
