"""Dunning API (API.md): `POST /dunning/runs/` runs dunning for `as_of` (today when omitted) and
answers with the run and the notices it sent; `GET /dunning/runs/{id}/` reads a run again;
`GET /dunning/notices/` lists notices (filter `customer`, `level`, `as_of`). Finance and managers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from o2c.api import APIView, ListAPIView, RetrieveAPIView, role_permission
from o2c.api_fields import FilterSet, IdFilter
from o2c.roles import FINANCE
from receivables.dunning import selectors, services
from receivables.dunning.api.serializers import NoticeOut, RunIn, RunOut
from receivables.dunning.models import DunningNotice

CanDun = role_permission(FINANCE)  # finance; manager and admin are always included


class DunningRunCreateView(APIView):
    permission_classes = [CanDun]

    @extend_schema(request=RunIn, responses={201: RunOut})
    def post(self, request):
        body = RunIn(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.dunning_run(as_of=body.validated_data.get("as_of"), by=request.user)
        return Response(RunOut(run).data, status=status.HTTP_201_CREATED)


class DunningRunDetailView(RetrieveAPIView):
    permission_classes = [CanDun]
    serializer_class = RunOut

    def get_queryset(self):
        return selectors.dunning_run_list()


class NoticeFilter(FilterSet):
    level = IdFilter(field_name="level__level", help_text="the level number (1, 2, …)")

    class Meta:
        model = DunningNotice
        fields = ["customer", "level", "as_of", "run"]


class DunningNoticeListView(ListAPIView):
    permission_classes = [CanDun]
    serializer_class = NoticeOut
    filterset_class = NoticeFilter
    ordering_fields = ["id", "as_of", "total", "created_at"]
    ordering = ["-as_of", "-id"]

    def get_queryset(self):
        return selectors.dunning_notice_list()


class DunningNoticeDetailView(RetrieveAPIView):
    permission_classes = [CanDun]
    serializer_class = NoticeOut

    def get_queryset(self):
        return selectors.dunning_notice_list()
