import factory

from inventory.models import ChannelPrice, MovementKind, Product, StockLevel, StockMovement, ean13_check_digit


def make_ean(n: int) -> str:
    body = f"376{n:09d}"
    return body + str(ean13_check_digit(body))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ["sku"]

    sku = factory.Sequence(lambda n: f"CAP-{n:05d}")
    barcode = factory.Sequence(lambda n: make_ean(100_000 + n))
    name = factory.Sequence(lambda n: f"Casquette trucker {n}")
    category = "caps"
    attributes = factory.LazyFunction(lambda: {"size": "M", "colour": "Noir"})
    price = factory.Faker("pydecimal", left_digits=2, right_digits=2, positive=True, min_value=10, max_value=90)


class ChannelPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelPrice

    product = factory.SubFactory(ProductFactory)
    channel = "web"
    price = "17.90"


def stock(product: Product, location, on_hand: int, reserved: int = 0, threshold=None) -> StockLevel:
    """A level with its ledger row, as if received: the audit stays consistent."""
    level, _ = StockLevel.objects.update_or_create(
        product=product,
        location=location,
        defaults={"on_hand": on_hand, "reserved": reserved, "low_stock_threshold": threshold},
    )
    StockMovement.objects.create(
        product=product,
        location=location,
        kind=MovementKind.RECEIPT,
        quantity=on_hand,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        on_hand_after=on_hand,
        reserved_after=reserved,
        reason="test setup",
    )
    return level
