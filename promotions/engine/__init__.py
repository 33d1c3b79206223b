"""The pricing engine: the one place where a cart's prices and discounts are computed.

Pure: lines with their unit prices, the channel, the customer's segment ids, the codes
already validated (code -> promotion id), ``now`` and the promotions already loaded as
``PromotionSpec`` go in; a ``PricedCart`` comes out. No database access, so a quote, a
cart and the order it becomes agree to the cent, and the engine can be tested and
benchmarked on its own. ``promotions.pricing.price_cart`` is its loader.

As in django-oscar's offers, it is split in four:

- ``specs``: what goes in (``PromotionSpec``, ``LineInput``, the promotion kinds);
- ``conditions``: which promotions may apply to a cart (``applicable``);
- ``benefits``: what one promotion gives on the amounts that are left, per kind;
- ``applicator``: the combining rule (``price``), which builds the ``results``.

The combining rule (api-contract.md, Promotions): applicable stackable promotions apply
one after another by descending priority, each on what the previous ones left; a
non-stackable promotion applies alone; the customer gets the better of the best single
non-stackable promotion and all the stackable ones together. Each promotion's discount
on a line is rounded half-up to the cent (``omni.money.to_money``) and a line never goes
below zero.
"""

from .applicator import price
from .basis import PricingBasis
from .conditions import applicable
from .results import AppliedDiscount, PricedCart, PricedLine
from .specs import AMOUNT, BUY_X_GET_Y, FIXED_PRICE, KINDS, PERCENT, SPEC_FIELDS, LineInput, PromotionSpec

__all__ = [
    "AMOUNT",
    "BUY_X_GET_Y",
    "FIXED_PRICE",
    "KINDS",
    "PERCENT",
    "SPEC_FIELDS",
    "AppliedDiscount",
    "LineInput",
    "PricedCart",
    "PricedLine",
    "PricingBasis",
    "PromotionSpec",
    "applicable",
    "price",
]
