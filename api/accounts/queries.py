import graphene

from api.accounts.types import Me
from api.core.errors import require_login


class AccountsQuery(graphene.ObjectType):
    me = graphene.Field(Me, description="The logged-in user; an `unauthenticated` error for anonymous users.")

    @staticmethod
    def resolve_me(root, info):
        return require_login(info)
