from django.urls import path

from approvals import admin_views, rating_admin

app_name = "approvals_admin"

urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("ratings/", rating_admin.ratings, name="ratings"),
    path("ratings/<int:pk>/answer/", rating_admin.answer, name="rating_answer"),
    path("walk-in/", admin_views.walk_in, name="walk_in"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/accept/", admin_views.accept, name="accept"),
    path("<int:pk>/not-accept/", admin_views.not_accept, name="not_accept"),
    path("<int:pk>/supplement/", admin_views.request_supplement, name="request_supplement"),
    path("<int:pk>/decide/", admin_views.decide, name="decide"),
    path("<int:pk>/take/", admin_views.take, name="take"),
    path("<int:pk>/complete/", admin_views.complete, name="complete"),
]
