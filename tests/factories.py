"""Test data factories. Agencies and memberships are made through the services, as in life."""

import factory
from django.contrib.auth import get_user_model

from agencies import services
from agencies.roles import Discipline, JurisdictionLevel


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


PASSWORD = "correct-horse-battery"


def make_agency(name, discipline=Discipline.LAW_ENFORCEMENT, **extra):
    extra.setdefault("jurisdiction_level", JurisdictionLevel.LOCAL)
    return services.create_agency(by=None, name=name, discipline=discipline, **extra)


def make_member(username, agency, role, **extra):
    user = UserFactory(username=username)
    services.add_membership(by=None, user=user, agency=agency, role=role, **extra)
    return user
