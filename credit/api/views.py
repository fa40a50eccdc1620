"""`GET, PUT /credit/settings/`: the credit check's risk threshold (decision 0067); finance reads it,
a manager sets it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from credit import selectors, services
from credit.api import serializers as s
from o2c.api import APIView, role_permission
from o2c.roles import FINANCE, MANAGER


class CreditSettingsView(APIView):
    def get_permissions(self):
        return [role_permission(MANAGER)() if self.request.method == "PUT" else role_permission(FINANCE)()]

    @extend_schema(responses=s.CreditSettingsOut)
    def get(self, request):
        return Response(s.CreditSettingsOut(selectors.credit_settings_get()).data)

    @extend_schema(request=s.CreditSettingsIn, responses=s.CreditSettingsOut)
    def put(self, request):
        body = s.CreditSettingsIn(data=request.data)
        body.is_valid(raise_exception=True)
        services.credit_settings_update(risk_threshold=body.validated_data["risk_threshold"], by=request.user)
        return Response(s.CreditSettingsOut(selectors.credit_settings_get()).data)
