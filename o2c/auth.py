"""API tokens: one per user, acting with that user's roles."""

from rest_framework.authtoken.models import Token


def api_token_issue(*, user) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
