from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_reservations() -> int:
    """Periodic: release expired reservations. Safe to run twice or concurrently."""
    return services.reservations_expire()


@shared_task(ignore_result=True)
def run_import(job_id: str) -> None:
    services.import_run(job_id=job_id)
