"""Collections: promises to pay and activities; the API of API.md ("Collections")."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from customers.selectors import customer_list
from o2c.api import APIView, GenericAPIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.roles import FINANCE
from receivables.collections import risk, selectors, services, worklist
from receivables.collections.api import serializers as s

CanCollect = role_permission(FINANCE)


class PromiseListView(ListAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.PromiseOut
    filterset_fields = ["customer", "status", "promised_on"]
    ordering_fields = ["id", "promised_on", "amount"]
    ordering = ["promised_on", "id"]

    def get_queryset(self):
        return selectors.promise_list()

    @extend_schema(request=s.PromiseIn, responses={201: s.PromiseOut})
    def post(self, request):
        body = s.PromiseIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        promise = services.promise_make(
            customer_id=data["customer"],
            invoice_ids=data["invoices"],
            amount=data["amount"],
            promised_on=data["promised_on"],
            note=data["note"],
            by=request.user,
        )
        return Response(
            s.PromiseOut(selectors.promise_get(promise_id=promise.pk)).data, status=status.HTTP_201_CREATED
        )


class PromiseDetailView(RetrieveAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.PromiseOut

    def get_queryset(self):
        return selectors.promise_list()


@extend_schema(request=s.PromiseCancelIn, responses=s.PromiseOut)
class PromiseCancelView(GenericAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.PromiseOut

    def get_queryset(self):
        return selectors.promise_list()

    def post(self, request, pk: int):
        promise = self.get_object()
        body = s.PromiseCancelIn(data=request.data)
        body.is_valid(raise_exception=True)
        services.promise_cancel(promise_id=promise.pk, reason=body.validated_data["reason"], by=request.user)
        return Response(s.PromiseOut(selectors.promise_get(promise_id=promise.pk)).data)


class ActivityListView(ListAPIView):
    permission_classes = [CanCollect]
    serializer_class = s.ActivityOut
    filterset_fields = ["customer", "kind", "follow_up_on"]
    ordering_fields = ["id", "created_at", "follow_up_on"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.activity_list()

    @extend_schema(request=s.ActivityIn, responses={201: s.ActivityOut})
    def post(self, request):
        body = s.ActivityIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        activity = services.activity_log(
            customer_id=data["customer"],
            kind=data["kind"],
            note=data["note"],
            follow_up_on=data["follow_up_on"],
            by=request.user,
        )
        return Response(
            s.ActivityOut(selectors.activity_list().get(pk=activity.pk)).data, status=status.HTTP_201_CREATED
        )


class WorklistView(APIView):
    permission_classes = [CanCollect]

    @extend_schema(parameters=[s.WorklistQuery], responses=s.WorklistOut)
    def get(self, request):
        query = s.WorklistQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        owner = query.validated_data.get("owner")
        today = timezone.localdate()
        rows = worklist.worklist(as_of=today, owner_id=owner)
        method = (worklist.__doc__ or "").split("\n\n", 1)[1].split("\n\nWithin")[0]
        return Response(
            s.WorklistOut({"as_of": today, "method": " ".join(method.split()), "results": rows}).data
        )


class AssignmentView(APIView):
    permission_classes = [CanCollect]

    @extend_schema(request=s.AssignmentIn, responses={204: None})
    def post(self, request):
        body = s.AssignmentIn(data=request.data)
        body.is_valid(raise_exception=True)
        services.collector_assign(
            customer_id=body.validated_data["customer"],
            collector_id=body.validated_data["collector"],
            by=request.user,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomerRiskView(APIView):
    permission_classes = [CanCollect]

    @extend_schema(responses=s.CustomerRiskOut)
    def get(self, request, pk: int):
        if not customer_list().filter(pk=pk).exists():
            raise NotFound()
        return Response(
            s.CustomerRiskOut(risk.customer_risk(customer_id=pk, as_of=timezone.localdate())).data
        )
