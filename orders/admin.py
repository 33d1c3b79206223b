"""Read-mostly admin: orders change only through the services (pages and API)."""

from django.contrib import admin

from .models import Cart, CartLine, Order, OrderLine, OrderStatusChange, Return, ReturnLine


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "name", "quantity", "unit_price", "discount", "total", "returned_quantity"]


class HistoryInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ["status", "at", "channel", "actor_label", "note"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "channel", "fulfilment", "status", "customer", "pickup_location", "total"]
    list_filter = ["status", "fulfilment", "channel", "pickup_location"]
    search_fields = ["number", "customer__email", "customer__phone"]
    list_select_related = ["customer", "pickup_location"]
    inlines = [OrderLineInline, HistoryInline]
    exclude = ["pickup_secret"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CartLineInline(ReadOnlyInline):
    model = CartLine
    fields = ["product", "quantity", "added_at"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "status", "customer", "updated_at"]
    list_filter = ["status", "channel"]
    inlines = [CartLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["order_line", "quantity", "refund_amount"]


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["order", "location", "refund_amount", "created_at", "actor_label"]
    inlines = [ReturnLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
