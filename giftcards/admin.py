from django.contrib import admin

from .models import GiftCard, GiftCardEntry


class GiftCardEntryInline(admin.TabularInline):
    model = GiftCardEntry
    extra = 0
    can_delete = False
    fields = ("at", "kind", "amount", "balance_after", "reference", "channel", "actor_label")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # the ledger is written by giftcards.services only


@admin.register(GiftCard)
class GiftCardAdmin(admin.ModelAdmin):
    list_display = ["code_last4", "kind", "customer", "balance", "expires_at", "is_disabled"]
    list_filter = ["kind", "is_disabled"]
    search_fields = ["code_last4"]
    # Read only: balances move through giftcards.services, with a ledger entry each.
    readonly_fields = ["code_last4", "kind", "customer", "initial_amount", "balance", "issued_at", "issued_location",
                       "expires_at", "is_disabled", "disabled_reason"]
    inlines = [GiftCardEntryInline]

    def has_add_permission(self, request) -> bool:
        return False  # issued through giftcards.services (the code is shown once, there)
