"""Read-mostly admin: stock only changes through the services (the pages, the API, or
the admin actions below, which call them)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from omni.actor import Actor
from omni.errors import DomainError

from . import services
from .models import ChannelPrice, ImportJob, Product, Reservation, StockLevel, StockMovement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChannelPriceInline(admin.TabularInline):
    model = ChannelPrice
    extra = 0
    readonly_fields = ["channel", "price"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["sku", "name", "category", "price", "barcode", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["sku", "name", "barcode"]
    readonly_fields = [field.name for field in Product._meta.fields]
    inlines = [ChannelPriceInline]
    actions = ["deactivate", "activate"]

    def has_add_permission(self, request):
        return False  # the ERP, the API or the CSV import create products

    def has_delete_permission(self, request, obj=None):
        return False

    def _set_active(self, request, queryset, value: bool) -> None:
        actor = Actor.from_request(request)
        for product in queryset:
            services.product_update(product=product, actor=actor, is_active=value)
        self.message_user(request, _("%(count)s product(s) updated.") % {"count": queryset.count()})

    @admin.action(description=_("Deactivate the selected products"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description=_("Activate the selected products"))
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["product", "location", "on_hand", "reserved", "low_stock_threshold", "updated_at"]
    list_filter = ["location"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product", "location"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "product",
        "location",
        "kind",
        "quantity",
        "on_hand_after",
        "reserved_after",
        "reference",
        "actor_label",
        "channel",
    ]
    list_filter = ["kind", "location", "channel"]
    search_fields = ["product__sku", "reference", "reason"]
    list_select_related = ["product", "location"]
    date_hierarchy = "created_at"


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "product", "location", "quantity", "status", "expires_at", "created_at"]
    list_filter = ["status", "location"]
    search_fields = ["reference", "product__sku"]
    list_select_related = ["product", "location"]
    actions = ["release"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # the list and its action, no edit form

    @admin.action(description=_("Release the selected reservations' references"))
    def release(self, request, queryset):
        actor = Actor.from_request(request)
        released = 0
        for reference in sorted(
            set(queryset.filter(status=Reservation.Status.ACTIVE).values_list("reference", flat=True))
        ):
            try:
                released += len(services.stock_release(reference=reference, actor=actor))
            except DomainError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
        self.message_user(request, _("%(count)s reservation(s) released.") % {"count": released})


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "filename",
        "status",
        "total_rows",
        "applied_rows",
        "error_rows",
        "created_by",
    ]
    list_filter = ["kind", "status"]
    exclude = ["content"]
