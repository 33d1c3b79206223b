"""The pricing engine's loader: the thin layer that orders, carts and the quote endpoint call.

``price_cart`` loads products, channel prices, active promotions, the customer's segments
and the entered codes in a constant number of queries, refuses bad codes with the
contract's errors and calls the pure engine (``promotions.engine.price``), which reads
nothing from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from customers.models import Customer
from inventory.errors import UnknownProduct
from inventory.models import Product
from inventory.selectors import price_for, products_by_sku
from loyalty.services import Redemption, redemption_check

from .engine import LineInput, PricedCart, price
from .running import promotions_for
from .selectors import codes_check, codes_load, customer_segment_ids, limited_ids, usage_for

# The most units of one SKU a line may hold, wherever lines are priced: a quote, a cart, an
# order, the endless-aisle form. One figure, so that a quote never prices what an order refuses.
MAX_LINE_QUANTITY = 999


def price_cart(
    *,
    lines: Iterable[Mapping[str, Any]],
    channel: str | None,
    customer: Customer | None = None,
    codes: Iterable[str] = (),
    now: datetime | None = None,
    products: Mapping[str, Product] | None = None,
    loyalty_points: int = 0,
) -> PricedCart:
    """Price ``lines`` (``[{"sku", "quantity"}]``, a SKU given twice counts once with the
    quantities added) on ``channel`` for ``customer`` with the entered ``codes``.

    ``products`` (by SKU, with their channel prices prefetched, as
    ``inventory.selectors.products_by_sku`` gives them) saves reading them when the caller
    already did. Raises ``inventory.errors.UnknownProduct`` (with ``sku`` and ``index``)
    for a SKU that is not an active product, and the contract's code errors for a refused
    code. ``loyalty_points``: points the customer spends, a discount after promotions
    (``loyalty_discount``, never more than what is left to pay), or the loyalty refusals.
    Costs at most eight queries (three more with points) whatever the number of lines,
    promotions, codes and ledger entries.
    """
    now = now or timezone.now()
    inputs = _line_inputs(lines, channel=channel, products=products)
    segment_ids = customer_segment_ids(customer)
    loaded = codes_load(codes)
    specs = promotions_for(inputs, now=now)
    # One read of the counted uses decides both whether an entered code is accepted and
    # whether its promotion still applies: two reads let an order committed in between
    # accept a code and then drop its promotion, a full-price order carrying the code.
    counted = set(limited_ids(specs)) | set(limited_ids(promotion for promotion, _code in loaded.values()))
    usage = usage_for(promotion_ids=sorted(counted), customer=customer) if counted else {}
    resolved = codes_check(
        loaded=loaded, channel=channel, customer=customer, segment_ids=segment_ids, now=now, usage=usage
    )
    specs = [spec for spec in specs if not spec.is_used_up(usage.get(spec.id), has_customer=customer is not None)]
    priced = price(lines=inputs, channel=channel, promotions=specs, now=now, segment_ids=segment_ids, codes=resolved)
    if loyalty_points:
        with_points(priced, redemption_check(customer=customer, points=loyalty_points))
    return priced


def with_points(priced: PricedCart, redemption: Redemption) -> PricedCart:
    """``priced`` with the points' discount taken off its total, never below zero."""
    priced.loyalty_points = redemption.points
    priced.loyalty_discount = min(redemption.discount, priced.total)
    priced.total -= priced.loyalty_discount
    return priced


def _line_inputs(
    lines: Iterable[Mapping[str, Any]], *, channel: str | None, products: Mapping[str, Product] | None
) -> list[LineInput]:
    """The engine's lines, one per SKU, at the channel's prices; ``UnknownProduct`` names
    the first line of a SKU that is not an active product."""
    quantities: dict[str, int] = {}
    first_index: dict[str, int] = {}
    for index, line in enumerate(lines):
        sku = str(line["sku"])
        quantities[sku] = quantities.get(sku, 0) + int(line["quantity"])
        first_index.setdefault(sku, index)
    if products is None:
        products = products_by_sku(skus=list(quantities))
    inputs = []
    for sku, quantity in quantities.items():
        product = products.get(sku)
        if product is None or not product.is_active:
            raise UnknownProduct(sku=sku, index=first_index[sku])
        inputs.append(
            LineInput(
                sku=sku,
                name=product.name,
                category=product.category or "",
                quantity=quantity,
                unit_price=price_for(product, channel),
            )
        )
    return inputs
