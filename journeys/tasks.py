from celery import shared_task
from django.utils.dateparse import parse_datetime


@shared_task(ignore_result=True)
def recompute_journeys(customer_ids: list[str], since: str | None = None) -> int:
    """Rebuild these customers' journeys from ``since`` (None: all of them).
    Safe to run twice: it rebuilds from the touchpoints, which are the truth."""
    from .services.recompute import journeys_recompute_many

    return journeys_recompute_many(customer_ids=customer_ids, since=parse_datetime(since) if since else None)


@shared_task(ignore_result=True)
def catch_up_journeys() -> int:
    """Beat: journeys whose recomputation was missed (see ``journeys_catch_up``)."""
    from .services import journeys_catch_up

    return journeys_catch_up()
