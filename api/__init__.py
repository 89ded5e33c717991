"""The GraphQL API: one package per domain, as Saleor's graphql/<domain>/.

Each domain package holds ``types`` (object types and its error type), ``queries`` (its Query mixin),
``mutations`` (its Mutation mixin) and, where a list loads related rows, ``dataloaders``. Resolvers call the
apps' services and selectors only, never their views. ``api.core`` holds what the domains share and ``api.schema``
only composes them. Imports run one way: api imports the apps, no app imports api.
"""
