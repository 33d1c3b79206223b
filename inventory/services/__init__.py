"""Every write of the inventory. Other apps use these names (all keyword-only):

- catalogue: ``product_create``, ``product_update``
- stock: ``stock_move`` (``stock_receive``, ``stock_adjust``, ``stock_count``), ``stock_transfer``,
  ``stock_threshold_set``
- orders: ``stock_reserve``, ``stock_release``, ``stock_consume``, ``stock_sell``,
  ``stock_return``, ``reservations_expire``
- CSV imports: ``import_prepare``, ``import_confirm``, ``import_run``

Movements, transfers and thresholds check the actor's scope themselves (403 ``Forbidden``);
the reservation and sale functions trust their caller (the orders capability decides who
may sell where) and only record the actor in the ledger.
"""

from .catalogue import product_create, product_update
from .imports import import_confirm, import_prepare, import_run
from .reservations import (
    reservations_expire,
    stock_consume,
    stock_release,
    stock_reserve,
    stock_return,
    stock_sell,
)
from .stock import stock_adjust, stock_count, stock_move, stock_receive, stock_threshold_set, stock_transfer

__all__ = [
    "import_confirm",
    "import_prepare",
    "import_run",
    "product_create",
    "product_update",
    "reservations_expire",
    "stock_adjust",
    "stock_consume",
    "stock_count",
    "stock_move",
    "stock_receive",
    "stock_release",
    "stock_reserve",
    "stock_return",
    "stock_sell",
    "stock_threshold_set",
    "stock_transfer",
]
