from django.urls import path

from sms import webhooks

app_name = "sms"

urlpatterns = [
    path("webhooks/<slug:gateway>/status/", webhooks.status, name="webhook_status"),
    path("webhooks/<slug:gateway>/inbound/", webhooks.inbound, name="webhook_inbound"),
]
