import factory
from django.contrib.auth.models import Group

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User

TEST_PASSWORD = "correct-horse-battery-staple"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Plant {o.code}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("unit", "code")

    unit = factory.SubFactory(UnitFactory)
    code = "QA"
    name = "Quality Assurance"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role (by name; the group must exist: use the ``roles_synced`` fixture)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role_name = roles.VIEWER

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: f"Test {o.username}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = factory.LazyAttribute(lambda o: Group.objects.get(name=o.role_name))
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def units(obj: User, create: bool, extracted: list[Unit] | None, **kwargs: object) -> None:  # noqa: N805
        if create and extracted:
            obj.units.set(extracted)
        if create:
            obj.save()
