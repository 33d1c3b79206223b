"""Read-mostly admin: promotions are edited on the marketing pages and through the API,
redemptions only change through the services (the release action below calls one)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from omni.actor import Actor

from .models import Campaign, CampaignRecipient, DiscountCode, Promotion, Redemption
from .services import code_release


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "value", "priority", "stackable", "requires_code", "is_active", "starts_at",
                    "ends_at"]
    list_filter = ["kind", "is_active", "stackable", "requires_code"]
    search_fields = ["name", "code"]


@admin.register(DiscountCode)
class DiscountCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "promotion", "state", "single_use", "batch", "created_at"]
    list_filter = ["state", "single_use"]
    search_fields = ["code"]
    list_select_related = ["promotion"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["order_reference", "promotion", "code", "customer", "channel", "amount", "at", "released_at"]
    list_filter = ["channel"]
    search_fields = ["order_reference", "code__code"]
    list_select_related = ["promotion", "code", "customer"]
    actions = ["release"]

    @admin.action(description=_("Release (the order was cancelled): frees single-use codes"))
    def release(self, request, queryset):
        actor = Actor.from_request(request)
        released = 0
        for reference in sorted(set(queryset.values_list("order_reference", flat=True))):
            released += len(code_release(order_reference=reference, actor=actor))
        self.message_user(request, _("%(count)s redemptions released.") % {"count": released}, messages.SUCCESS)


class CampaignRecipientInline(admin.TabularInline):
    model = CampaignRecipient
    extra = 0
    can_delete = False
    readonly_fields = ["customer", "status", "code", "media", "error", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "promotion", "segment", "status", "audience", "started_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["promotion", "segment"]
