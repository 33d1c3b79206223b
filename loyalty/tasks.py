from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_points() -> int:
    """The periodic task: credits past their date lose what is left of them."""
    return services.points_expire()
