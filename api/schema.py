"""The one GraphQL schema: grapple's Wagtail queries plus each domain's queries and mutations. Composition only."""

import graphene
from grapple.registry import registry as grapple_registry
from wagtail import hooks

from api.accounts import AccountsMutation, AccountsQuery
from api.cms import CmsQuery
from api.forum import ForumMutation, ForumQuery
from api.sms import SmsMutation


def _grapple_query_mixins():
    """The query mixins grapple registers through its `register_schema_query` hook (page, pages, images ...)."""
    mixins = []
    for register in hooks.get_hooks("register_schema_query"):
        register(mixins)
    return [mixin for mixin in mixins if mixin is not graphene.ObjectType]


# Ours come first: where a name is in both (search, page), ours wins.
class Query(CmsQuery, ForumQuery, AccountsQuery, *_grapple_query_mixins(), graphene.ObjectType):
    pass


class Mutation(AccountsMutation, ForumMutation, SmsMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=list(grapple_registry.models.values()))
