from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_pickups() -> dict:
    """The periodic scan: expired holds release their stock, reminders before the end."""
    return services.orders_expire()
