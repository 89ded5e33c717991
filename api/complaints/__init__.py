"""Complaints: intake, following a complaint with its receipt, the anonymous thread, public cases and SMS follow.

No type here has a field for a reporter's identity, and no staff query exists: the identity is reachable only
through the admin's reveal page. Requests naming these fields are scrubbed of client metadata
(complaints.privacy), so rate limits use ``request.complaints_source``, never the address.

- ``types``: the public case, the receipt holder's view and the complaint error type.
- ``queries``: categories and public cases; ``dataloaders``: a page of cases loads its updates at once.
- ``mutations``: intake, following with a receipt, the thread, SMS follow of a public case.
"""
