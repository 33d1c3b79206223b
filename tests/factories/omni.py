import factory

from omni.models import ApiClient, Location, User
from omni.services import api_client_create


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"store-{n}")
    name = factory.LazyAttribute(lambda o: f"Store {o.code}")
    kind = Location.Kind.STORE
    city = factory.Faker("city", locale="fr_FR")
    address = "1 rue de la Paix"
    postcode = "75002"
    opening_hours = "Mon-Sat 10:00-19:00"
    click_and_collect = True
    ship_from_store = False


class WarehouseFactory(LocationFactory):
    code = factory.Sequence(lambda n: f"warehouse-{n}")
    kind = Location.Kind.WAREHOUSE
    click_and_collect = False
    ship_from_store = True


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = User.Role.STORE_STAFF
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        if create and extracted:
            self.locations.set(extracted)


def make_api_client(kind: str, location: Location | None = None, name: str | None = None) -> tuple[ApiClient, str]:
    """An API client and its clear token (which is only known at creation)."""
    name = name or f"{kind}-{ApiClient.objects.count() + 1}-{factory.Faker._get_faker().uuid4()[:6]}"
    return api_client_create(name=name, kind=kind, location=location)
