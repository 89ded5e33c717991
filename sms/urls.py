from django.urls import path

from sms import webhooks

app_name = "sms"

urlpatterns = [
    # Alibaba Cloud pushes to one URL per kind, set in its console; the secret in the path authenticates it.
    path("webhooks/aliyun/<str:secret>/report/", webhooks.aliyun_report, name="aliyun_report"),
    path("webhooks/aliyun/<str:secret>/up/", webhooks.aliyun_up, name="aliyun_up"),
    path("webhooks/<slug:gateway>/status/", webhooks.status, name="webhook_status"),
    path("webhooks/<slug:gateway>/inbound/", webhooks.inbound, name="webhook_inbound"),
]
