"""Complaint attachments are private uploads (core/storage.py): no public URL, on local disk outside MEDIA_ROOT or in
the object store's private prefix. Staff read them through the admin's permission-checked download view
(complaints.admin_views.attachment)."""

from core import storage


def private_storage():
    # Kept here, where the app's migrations name it.
    return storage.private_storage()
