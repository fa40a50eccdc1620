"""API tokens: one per user, acting with that user's roles."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Value
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


def api_token_issue(*, user: AbstractBaseUser) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return str(token.key)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the user's roles in the same statement as the token
    and its user (an array of group names): the permission checks that follow read no groups."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from o2c.roles import ROLES, user_roles_remember

        model: Any = self.get_model()
        try:
            token = (
                model.objects.select_related("user")
                .annotate(
                    o2c_roles=ArrayAgg(
                        "user__groups__name", filter=Q(user__groups__name__in=ROLES), default=Value([])
                    )
                )
                .get(key=key)
            )
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user_roles_remember(token.user, token.o2c_roles)
        return (token.user, token)
