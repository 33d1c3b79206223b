"""Read-mostly admin: writes go through the services (pages and API)."""

from django.contrib import admin

from .models import Contact, Customer, CustomerMerge, PrivacyAuditEntry, Segment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["last_name", "first_name", "email", "phone", "loyalty_card", "preferred_store", "created_at"]
    list_filter = ["created_channel", "email_consent", "sms_consent", "is_erased"]
    search_fields = ["last_name", "first_name", "email", "phone", "loyalty_card"]
    list_select_related = ["preferred_store"]
    show_full_result_count = False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["customer", "kind", "channel", "staff", "at"]
    list_filter = ["kind", "channel"]
    list_select_related = ["customer", "staff"]


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "member_count", "recomputed_at", "is_active"]


@admin.register(CustomerMerge)
class CustomerMergeAdmin(ReadOnlyAdmin):
    list_display = ["source_id", "target", "actor_label", "at"]
    list_select_related = ["target"]


@admin.register(PrivacyAuditEntry)
class PrivacyAuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["customer_id", "action", "actor_label", "channel", "reason", "at"]
    list_filter = ["action"]
