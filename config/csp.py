"""Content-Security-Policy (django-csp) and Permissions-Policy headers.

One strict policy for the site and the app, a looser one for the admin.

Our templates carry no inline script without ``nonce="{{ request.csp_nonce }}"`` but those of INLINE_SCRIPTS, and
no inline event handler but those of INLINE_HANDLERS. The Wagtail admin renders inline ``<script>`` blocks of its
own (inline panels, date choosers) that carry no nonce, so under ADMIN_PREFIXES scripts may also be inline. Styles
may be inline everywhere: Wagtail's admin and our app set ``style`` attributes, and a style cannot run code.
"""

import base64
import hashlib

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

ADMIN_PREFIXES = ("/admin/",)
# Inline event handlers allowed by their hash ('unsafe-hashes' admits exactly these, no other inline code): the
# public pages carry no <script> but the 长辈版 ones, and the language menu submits itself on change.
INLINE_HANDLERS = ["this.form.submit()"]
# Inline scripts allowed by their hash. The one there is runs in <head> before the page is drawn: it applies the
# reader's 长辈版 choice (kept in localStorage) so that a large-type page never flashes small first, with no
# server-side variation of the page (which stays cacheable). core.templatetags.accessibility prints it.
ELDER_BOOT = 'try{if(localStorage.getItem("qf.elder")==="1")document.documentElement.classList.add("elder")}catch(e){}'
INLINE_SCRIPTS = [ELDER_BOOT]


def _hash(code):
    return f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"


DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE, "'unsafe-hashes'", *map(_hash, INLINE_HANDLERS + INLINE_SCRIPTS)],
    "style-src": [SELF, UNSAFE_INLINE],
    # data: for Wagtail's icons and placeholders, blob: for previews of files about to be uploaded.
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "media-src": [SELF, "blob:"],
    "connect-src": [SELF],
    "worker-src": [SELF],
    "manifest-src": [SELF],
    # The admin previews pages in a same-origin iframe; nothing else may frame us.
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
}
ADMIN_SCRIPT_SRC = [SELF, UNSAFE_INLINE]


class QingfengCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            # A nonce in the policy would make browsers ignore 'unsafe-inline'.
            parts.replace = {**(parts.replace or {}), "script-src": ADMIN_SCRIPT_SRC}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
