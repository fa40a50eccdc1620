from django.contrib import admin

from notifications.models import CarrierTracking, Notification, NotificationSettings, NotificationTemplate
from o2c.admin import ReadOnlyAdmin


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    """Edited here or on the notifications page; the model's clean() refuses a bad placeholder."""

    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CarrierTracking)
class CarrierTrackingAdmin(admin.ModelAdmin):
    list_display = ["carrier", "url_template"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "order_review_enabled", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return not NotificationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "order", "shipment", "recipient", "language", "created_at", "emailed_at"]
    list_filter = ["kind", "language"]
    search_fields = ["recipient", "order__number", "shipment__number"]
