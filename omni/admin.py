from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiClient, IdempotencyRecord, Location, Message, User


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "city", "click_and_collect", "ship_from_store", "is_active"]
    list_filter = ["kind", "click_and_collect", "ship_from_store", "is_active"]
    search_fields = ["code", "name", "city"]


@admin.register(User)
class StaffAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "role", "channel", "is_active"]
    list_filter = ["role", "channel", "is_active", "locations"]
    filter_horizontal = ["locations", "groups", "user_permissions"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Omni", {"fields": ("role", "channel", "locations")}))


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "location", "token_prefix", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["token_prefix", "created_at"]
    fields = ["name", "kind", "location", "rate_limit", "is_active", "token_prefix", "created_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued by `manage.py create_api_client`, shown once


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "medium", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["medium", "status", "kind"]
    search_fields = ["recipient", "about_id"]
    readonly_fields = [field.name for field in Message._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "scope", "key", "state", "response_status"]
    list_filter = ["state"]
    readonly_fields = [field.name for field in IdempotencyRecord._meta.fields]

    def has_add_permission(self, request):
        return False
