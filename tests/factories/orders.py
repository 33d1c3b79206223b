"""Orders are made through the services, so stock, ledger and codes stay consistent."""

from omni.actor import Actor
from orders import services
from tests.factories.omni import make_api_client


def web_actor() -> Actor:
    client, _token = make_api_client("web")
    return Actor.for_client(client)


def pos_actor(location) -> Actor:
    client, _token = make_api_client("pos", location=location)
    return Actor.for_client(client)


def place_pickup(*, location, lines, actor=None, customer=None, codes=(), payment="paid"):
    return services.order_place(
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines.items()],
        fulfilment="click_and_collect", pickup_location=location, payment=payment, customer=customer,
        codes=codes, actor=actor or web_actor(),
    )


def place_delivery(*, lines, actor=None, customer=None, address=None):
    return services.order_place(
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines.items()],
        fulfilment="delivery", shipping_address=address or {"line1": "1 rue de la Paix", "postcode": "75002",
                                                            "city": "Paris", "country": "FR"},
        customer=customer, actor=actor or web_actor(),
    )


def sell_in_store(*, location, lines, actor=None, customer=None):
    return services.order_place(
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines.items()],
        fulfilment="in_store", customer=customer, actor=actor or pos_actor(location),
    )
