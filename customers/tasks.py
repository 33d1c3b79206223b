from celery import shared_task

from .services import segment_recompute_all


@shared_task(ignore_result=True)
def recompute_segments() -> dict[str, int]:
    """Periodic: every segment's membership brought in line with its rules."""
    return segment_recompute_all()
