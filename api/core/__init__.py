"""What every domain of the API shares; nothing here knows a domain.

- ``errors``: the typed mutation errors `{field message code}`, one GraphQL code enum per domain built from
  core.error_codes.CommonErrorCode and the app's own enum, and the payload mixin `ok` + `errors`.
- ``pagination``: page-number pagination with a capped page size, and its `PageInfo` type.
- ``security``: the limits of /graphql/ (depth, field count, introspection, argument checks, mutation rates).
- ``dataloaders``: the per-request batching loader the domains' list fields load related rows through.
- ``types``: small shared helpers for graphene values.
- ``views``: the /graphql/ endpoint (CSRF, outage 503s, no internal message in an answer) and /api/csrf/.
"""
