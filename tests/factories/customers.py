import factory
from django.utils import timezone

from customers.models import Contact, Customer, CustomerChannel, Segment


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"customer{n}@example.fr")
    phone = factory.Sequence(lambda n: f"+3361{n:07d}")
    loyalty_card = factory.Sequence(lambda n: f"OMNI{n:08d}")
    city = "Paris"
    # Contact points given at creation are the customer's own (customers.contact_points).
    email_confirmed_at = factory.LazyAttribute(lambda customer: timezone.now() if customer.email else None)
    phone_confirmed_at = factory.LazyAttribute(lambda customer: timezone.now() if customer.phone else None)

    @factory.post_generation
    def channels(self, create, extracted, **kwargs):
        if create and extracted:
            now = timezone.now()
            CustomerChannel.objects.bulk_create(
                [CustomerChannel(customer=self, channel=c, first_seen_at=now, last_seen_at=now) for c in extracted]
            )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    kind = Contact.Kind.CALL
    channel = "call_centre"
    note = "Asked about a delivery"
    at = factory.LazyFunction(timezone.now)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    slug = factory.Sequence(lambda n: f"segment-{n}")
    name = factory.Sequence(lambda n: f"Segment {n}")
    rules = factory.LazyFunction(lambda: [{"fact": "channels_all", "params": {"channels": ["web"]}, "negate": False}])
