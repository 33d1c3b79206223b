from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_pickups() -> dict:
    """The periodic scan: expired holds release their stock, reminders before the end."""
    result = services.orders_expire()
    result["abandoned_carts"] = services.carts_abandon()
    return result
