from celery import shared_task

from .models import Segment
from .services import segment_recompute, segment_recompute_all


@shared_task(ignore_result=True)
def recompute_segments() -> dict[str, int]:
    """Periodic: every segment's membership brought in line with its rules."""
    return segment_recompute_all()


@shared_task(ignore_result=True)
def recompute_segment(segment_id: int) -> int | None:
    segment = Segment.objects.filter(pk=segment_id).first()
    return segment_recompute(segment=segment) if segment else None
