"""Every write of the promotions app. Public names for other apps (orders):
``code_redeem``, ``redemptions_record``, ``code_release``, ``code_check``."""

from .campaigns import (
    campaign_create,
    campaign_deliver,
    campaign_preview,
    campaign_reach,
    campaign_send,
    campaign_test_send,
    render_text,
)
from .codes import code_check, code_redeem, code_release, codes_generate, redemptions_record
from .customers import redemptions_repoint
from .pricing_version import pricing_changed
from .promotions import promotion_create, promotion_errors, promotion_update

__all__ = [
    "campaign_create",
    "campaign_deliver",
    "campaign_preview",
    "campaign_reach",
    "campaign_send",
    "campaign_test_send",
    "code_check",
    "code_redeem",
    "code_release",
    "codes_generate",
    "pricing_changed",
    "promotion_create",
    "promotion_errors",
    "promotion_update",
    "redemptions_record",
    "redemptions_repoint",
    "render_text",
]
