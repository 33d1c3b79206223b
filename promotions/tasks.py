"""Celery tasks: take ids, call a service, safe to run twice."""

from celery import shared_task


@shared_task(name="promotions.tasks.campaign_deliver_task", ignore_result=True)
def campaign_deliver_task(campaign_id) -> None:
    from .services import campaign_deliver

    campaign_deliver(campaign_id=campaign_id)


@shared_task(name="promotions.tasks.resume_campaigns", ignore_result=True)
def resume_campaigns() -> None:
    """A worker lost mid-send leaves a campaign ``sending``: pick it up again."""
    from .models import Campaign
    from .services import campaign_deliver

    for campaign_id in Campaign.objects.filter(status=Campaign.Status.SENDING).values_list("pk", flat=True):
        campaign_deliver(campaign_id=campaign_id)
