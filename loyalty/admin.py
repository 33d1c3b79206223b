from django.contrib import admin

from .models import LoyaltyProgram, PointsEntry


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(admin.ModelAdmin):
    list_display = ["active", "point_value", "redeem_step", "min_redeem", "expire_after_days", "updated_at"]


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """Read only: points move through loyalty.services, never by hand here."""

    list_display = ["at", "customer", "kind", "points", "pending", "remaining", "order", "channel"]
    list_filter = ["kind", "pending", "channel"]
    search_fields = ["order"]
    raw_id_fields = ["customer"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
