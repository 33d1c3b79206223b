"""Campaigns: a promotion, a segment and a message; each consenting member with contact
data gets one unique single-use code by SMS and/or e-mail.

The send runs in a Celery task (``tasks.campaign_deliver_task``) that handles one customer
per transaction: the ``CampaignRecipient`` row (unique per campaign and customer) is
written first, so a second send, a retried task or two workers at once never give a
customer a second code; a later send reaches only members who joined the segment since.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from customers.models import Customer, CustomerQuerySet, Segment
from omni.actor import Actor
from omni.notifications import message_queue

from ..codes import normalise_prefix, random_code
from ..errors import CampaignAlreadySent, InvalidPromotion, NoTestAddress, PromotionNotRunning
from ..models import Campaign, CampaignRecipient, DiscountCode, Promotion
from ..signals import campaign_message_sent
from .pricing_version import pricing_changed

logger = logging.getLogger(__name__)
PLACEHOLDERS = ("{first_name}", "{code}", "{store}")
SAMPLE_CODE = "7QX4H2KM9P"  # behind the campaign's prefix in previews
BATCH_SIZE = 200


def render_text(text: str, *, customer: Customer | None, code: str) -> str:
    """Fill the placeholders; any other brace is left as written."""
    first_name = (customer.first_name if customer else "") or _("dear customer")
    store = customer.preferred_store.name if customer and customer.preferred_store else _("our stores")
    return text.replace("{first_name}", first_name).replace("{code}", code).replace("{store}", store)


def campaign_errors(values: dict) -> dict[str, str]:
    errors = {}
    if not (values.get("sms_text") or "").strip() and not (values.get("email_text") or "").strip():
        errors["sms_text"] = _("Write an SMS, an e-mail or both.")
    if (values.get("email_text") or "").strip() and not (values.get("email_subject") or "").strip():
        errors["email_subject"] = _("An e-mail needs a subject.")
    for name in ("sms_text", "email_text"):
        text = values.get(name) or ""
        if text.strip() and "{code}" not in text:
            errors[name] = _("Put the {code} placeholder in the message: it is what the customer came for.")
    return errors


@transaction.atomic
def campaign_create(
    *,
    name: str,
    promotion: Promotion,
    segment: Segment,
    actor: Actor,
    sms_text: str = "",
    email_subject: str = "",
    email_text: str = "",
    code_prefix: str = "",
) -> Campaign:
    values = {"sms_text": sms_text, "email_text": email_text, "email_subject": email_subject}
    errors = campaign_errors(values)
    if errors:
        raise InvalidPromotion(next(iter(errors.values())), errors=errors)
    _check_running(promotion)
    return Campaign.objects.create(
        name=name,
        promotion=promotion,
        segment=segment,
        sms_text=sms_text.strip(),
        email_subject=email_subject.strip(),
        email_text=email_text.strip(),
        code_prefix=normalise_prefix(code_prefix),
        created_by=actor.label,
    )


def _check_running(promotion: Promotion) -> None:
    """A campaign hands out the promotion's codes: an ended or inactive one would refuse them."""
    if promotion.status in (Promotion.Status.ENDED, Promotion.Status.INACTIVE):
        raise PromotionNotRunning(
            _("The promotion %(name)s has ended or is inactive: its codes would be refused.") % {"name": promotion.name}
        )


def campaign_audience(campaign: Campaign) -> CustomerQuerySet:
    return Customer.objects.active().filter(memberships__segment_id=campaign.segment_id)


def campaign_reach(campaign: Campaign) -> dict[str, int]:
    """Before sending: the segment's members, and how many of them each medium the
    campaign uses would reach (consent and a confirmed contact point). Three queries."""
    audience = campaign_audience(campaign)
    return {
        "members": audience.count(),
        "sms": audience.reachable_by("sms").count() if campaign.sms_text else 0,
        "email": audience.reachable_by("email").count() if campaign.email_text else 0,
    }


@transaction.atomic
def campaign_test_send(*, campaign: Campaign, actor: Actor) -> str:
    """The campaign's messages, with a sample code, to the staff member's own e-mail
    address (the SMS text too, marked as such): how they read before anyone gets them.
    Returns the address."""
    address = actor.user.email if actor.user is not None else ""
    if not address:
        raise NoTestAddress()
    sample = campaign.code_prefix + SAMPLE_CODE
    if campaign.sms_text:
        message_queue(medium="email", recipient=address, kind="campaign_test", about=campaign,
                      body=render_text(campaign.sms_text, customer=None, code=sample),
                      subject_line=_("Test of the SMS of %(campaign)s") % {"campaign": campaign.name})
    if campaign.email_text:
        message_queue(medium="email", recipient=address, kind="campaign_test", about=campaign,
                      body=render_text(campaign.email_text, customer=None, code=sample),
                      subject_line=render_text(campaign.email_subject, customer=None, code=sample))
    return address


def campaign_preview(*, campaign: Campaign, limit: int = 3) -> list[dict]:
    """The messages the first members would get (with a sample code), in two queries."""
    customers = campaign_audience(campaign).select_related("preferred_store").order_by("pk")[:limit]
    sample = campaign.code_prefix + SAMPLE_CODE
    previews = [
        {
            "customer": customer,
            "sms": render_text(campaign.sms_text, customer=customer, code=sample),
            "email": render_text(campaign.email_text, customer=customer, code=sample),
            "media": _media(campaign, customer)[0],
        }
        for customer in customers
    ]
    if not previews:
        previews.append(
            {
                "customer": None,
                "sms": render_text(campaign.sms_text, customer=None, code=sample),
                "email": render_text(campaign.email_text, customer=None, code=sample),
                "media": [],
            }
        )
    return previews


@transaction.atomic
def campaign_send(*, campaign: Campaign, actor: Actor) -> Campaign:
    """Start (or resume) the send; the task does the work after commit."""
    from ..tasks import campaign_deliver_task

    campaign = Campaign.objects.select_for_update().select_related("promotion").get(pk=campaign.pk)
    if campaign.status == Campaign.Status.SENDING:
        raise CampaignAlreadySent(_("This campaign is being sent right now."))
    _check_running(campaign.promotion)
    campaign.status = Campaign.Status.SENDING
    campaign.audience = campaign_audience(campaign).count()
    campaign.started_at = campaign.started_at or timezone.now()
    campaign.finished_at = None
    campaign.sent_by = actor.label
    campaign.save(update_fields=["status", "audience", "started_at", "finished_at", "sent_by"])
    # A promotion with generated codes applies only when a code is entered (contract).
    if Promotion.objects.filter(pk=campaign.promotion_id, requires_code=False).update(
        requires_code=True, updated_by=actor.label
    ):
        pricing_changed()  # a queryset update sends no model signal
    campaign_id = campaign.pk
    transaction.on_commit(lambda: _dispatch(campaign_deliver_task, campaign_id))
    return campaign


def _dispatch(task: Any, campaign_id: int) -> None:
    """Hand the send to a worker; a broker outage leaves it to the ``resume_campaigns`` sweep."""
    try:
        task.delay(campaign_id)
    # A refused connection is an OSError; kombu raises OperationalError once its retries are spent.
    except (OSError, BrokerError):  # the campaign row (status sending) is the guarantee
        logger.warning("broker unavailable, campaign %s left for the sweep", campaign_id, exc_info=True)


def _media(campaign: Campaign, customer: Customer) -> tuple[list[str], str | None]:
    """The media this customer gets, or the reason for skipping them."""
    media, consented = [], False
    for medium, text in (("sms", campaign.sms_text), ("email", campaign.email_text)):
        contact = customer.confirmed_contact(medium)  # a code goes only where the customer is known to be
        if not text or not customer.consent(medium):
            continue
        consented = True
        if contact:
            media.append(medium)
    if media:
        return media, None
    if consented:
        return [], CampaignRecipient.Status.SKIPPED_NO_CONTACT
    return [], CampaignRecipient.Status.SKIPPED_NO_CONSENT


def _new_code(campaign: Campaign) -> DiscountCode:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DiscountCode.objects.create(
                    code=random_code(campaign.code_prefix),
                    promotion_id=campaign.promotion_id,
                    single_use=True,
                    batch=_("Campaign: %(name)s") % {"name": campaign.name[:40]},
                    created_by=campaign.sent_by,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique code")


def _deliver_one(campaign: Campaign, customer: Customer) -> CampaignRecipient | None:
    """One customer, one transaction; ``None`` if another send already handled them."""
    media, skipped = _media(campaign, customer)
    with transaction.atomic():
        try:
            with transaction.atomic():
                recipient = CampaignRecipient.objects.create(
                    campaign=campaign, customer=customer, status=skipped or CampaignRecipient.Status.SENT,
                    media=",".join(media),
                )
        except IntegrityError:
            return None
        if skipped:
            return recipient
        try:
            with transaction.atomic():
                code = _new_code(campaign)
                for medium in media:
                    address = customer.confirmed_contact(medium)
                    if address is None:  # _media chose confirmed contacts only
                        continue
                    text = campaign.sms_text if medium == "sms" else campaign.email_text
                    message_queue(
                        medium=medium,
                        recipient=address,
                        body=render_text(text, customer=customer, code=code.code),
                        kind="campaign",
                        about=campaign,
                        subject_line=render_text(campaign.email_subject, customer=customer, code=code.code)
                        if medium == "email" else "",
                    )
                recipient.code = code
                recipient.save(update_fields=["code"])
                campaign_message_sent.send(
                    sender=Campaign, campaign=campaign, customer=customer, code=code, media=media
                )
        # An isolation boundary on purpose: whatever fails for one recipient (their message,
        # a receiver of campaign_message_sent) is rolled back to the savepoint and recorded on
        # their row as FAILED, and the campaign goes on with the next one.
        except Exception as exc:  # noqa: BLE001
            recipient.status = CampaignRecipient.Status.FAILED
            recipient.error = str(exc)[:300]
            recipient.save(update_fields=["status", "error"])
        return recipient


def campaign_deliver(*, campaign_id: int, batch_size: int = BATCH_SIZE) -> Campaign | None:
    """Give every member not yet handled their code; safe to run twice, or twice at once."""
    campaign = Campaign.objects.select_related("promotion").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return campaign
    last_pk = None
    while True:
        pending = (
            campaign_audience(campaign)
            .exclude(campaign_receipts__campaign=campaign)
            .select_related("preferred_store")
            .order_by("pk")
        )
        if last_pk is not None:
            pending = pending.filter(pk__gt=last_pk)
        batch = list(pending[:batch_size])
        if not batch:
            break
        for customer in batch:
            _deliver_one(campaign, customer)
        last_pk = batch[-1].pk
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.SENT, finished_at=timezone.now()
    )
    campaign.refresh_from_db()
    return campaign
