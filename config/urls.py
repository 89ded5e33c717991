from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.views import QingfengGraphQLView
from api.views import csrf as api_csrf
from cms.views import search_view
from core import (
    converters,  # noqa: F401 - registers <text:...>
    views,
)
from sms import views as sms_views

# An outage raised inside a middleware reaches only handler500: answer it 503 there (core/outage.py).
handler500 = "core.outage.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/switch/", views.switch_language, name="switch_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The public site's own login (forum, later citizens' pages); staff keep the admin's at /admin/login/.
    path("accounts/login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    # Cadres log in with their number on file and a texted code, as in the app (sms/codes.py).
    path("accounts/phone/", sms_views.phone_login, name="phone_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("search/", search_view, name="search"),
    # The app's API: session auth, CSRF-protected like any form (the app reads its token from /api/csrf/).
    path("graphql/", QingfengGraphQLView.as_view(), name="graphql"),
    path("api/csrf/", api_csrf, name="api_csrf"),
    # Provider webhooks (delivery reports, inbound SMS); before Wagtail's catch-all.
    path("sms/", include("sms.urls")),
    # Short links in campaign messages: /s/<code> (sms.services.short_link builds them).
    path("s/<text:code>", sms_views.short_link, name="sms_short_link"),
    # Online complaints: intake, receipts, public case pages (complaints/privacy.py scrubs these requests).
    path("complaints/", include("complaints.urls")),
    # 我的办件 lists a citizen's complaints too: scrubbed like them (config/logging.py PRIVATE_PATHS).
    path("mine/", include("citizens.urls")),
    # Online approval: catalogue, applying, public tracking (approvals/urls.py).
    path("approvals/", include("approvals.urls")),
    # The SMS quiz's short links to a question's explanation: /q/<code>.
    path("q/", include("quizzes.urls")),
    # Study for logged-in cadres: the points detail (study/urls.py).
    path("study/", include("study.urls")),
    # The mobile web app: one shell for every /app/ URL, routed in the browser.
    path("app/", include("frontend.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
