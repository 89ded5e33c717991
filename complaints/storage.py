"""Private storage for complaint attachments: outside MEDIA_ROOT, with no public URL.

Attachments are evidence and may show the reporter; the web server must never serve them. Staff read them through
the admin's permission-checked download view (complaints.admin_views.attachment).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    # Read from the settings on each use, so that tests and deployments can point it elsewhere.
    @property
    def base_location(self):
        return settings.COMPLAINTS_PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Complaint attachments have no public URL.")


def private_storage():
    return PrivateStorage()
