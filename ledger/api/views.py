from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ledger import selectors, services
from ledger.api import serializers as s
from o2c.api import APIView, CSVRenderer, GenericAPIView, role_permission, wants_csv
from o2c.csv import csv_table
from o2c.roles import FINANCE

LedgerAccess = role_permission(FINANCE)


class TrialBalanceView(APIView):
    permission_classes = [LedgerAccess]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[s.TrialBalanceQuery], responses=s.TrialBalanceOut)
    def get(self, request):
        query = s.TrialBalanceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        balance = selectors.trial_balance(as_of=query.validated_data.get("as_of"))
        data = s.TrialBalanceOut(balance).data
        if wants_csv(request):
            return Response(csv_table(list(s.TrialBalanceRowOut().fields), data["accounts"]))
        return Response(data)


class JournalEntryListView(GenericAPIView):
    """The journal; finance may also post a manual, balanced entry."""

    permission_classes = [LedgerAccess]
    renderer_classes = [JSONRenderer, CSVRenderer]
    serializer_class = s.JournalEntryOut

    def get_queryset(self):
        return selectors.journal_entry_list()

    @extend_schema(
        parameters=[s.JournalQuery],
        responses=s.JournalEntryOut(many=True),
    )
    def get(self, request):
        query = s.JournalQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        entries = selectors.journal_entry_list(
            source=filters.get("source"),
            account=filters.get("account"),
            date_from=filters.get("from"),
            date_to=filters.get("to"),
        )
        if wants_csv(request):
            return Response(
                csv_table(selectors.JOURNAL_EXPORT_COLUMNS, selectors.journal_export_rows(entries))
            )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(s.JournalEntryOut(page, many=True).data)

    @extend_schema(request=s.JournalEntryIn, responses={201: s.JournalEntryOut})
    def post(self, request):
        body = s.JournalEntryIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = services.journal_entry_post(
            entry_date=data["date"],
            memo=data["memo"],
            lines=[services.LineSpec(**line) for line in data["lines"]],
            by=request.user,
        )
        entry = selectors.journal_entry_list().get(pk=entry.pk)
        return Response(s.JournalEntryOut(entry).data, status=status.HTTP_201_CREATED)


class JournalEntryDetailView(GenericAPIView):
    permission_classes = [LedgerAccess]
    serializer_class = s.JournalEntryOut

    def get_queryset(self):
        return selectors.journal_entry_list()

    def get(self, request, pk: int):
        return Response(s.JournalEntryOut(self.get_object()).data)


class JournalEntryReverseView(GenericAPIView):
    permission_classes = [LedgerAccess]
    serializer_class = s.JournalEntryOut

    def get_queryset(self):
        return selectors.journal_entry_list()

    @extend_schema(request=s.JournalReverseIn, responses={201: s.JournalEntryOut})
    def post(self, request, pk: int):
        entry = self.get_object()
        body = s.JournalReverseIn(data=request.data)
        body.is_valid(raise_exception=True)
        reversal = services.journal_entry_reverse(
            entry_id=entry.pk,
            reason=body.validated_data["reason"],
            entry_date=body.validated_data.get("date"),
            by=request.user,
        )
        reversal = selectors.journal_entry_list().get(pk=reversal.pk)
        return Response(s.JournalEntryOut(reversal).data, status=status.HTTP_201_CREATED)


def _lock_date_out() -> dict:
    row = selectors.ledger_settings_get()
    return s.LockDateOut(
        {
            "lock_date": row.lock_date,
            "books_start": settings.O2C_BOOKS_START,
            "latest_posting_date": services.latest_posting_date(),
            "updated_by": row.updated_by,
            "updated_at": row.updated_at,
        }
    ).data


class LockDateView(APIView):
    """The ledger's lock date (decision 0024): finance reads and moves it forward; moving it back
    or clearing it is a manager's."""

    permission_classes = [LedgerAccess]

    @extend_schema(responses=s.LockDateOut)
    def get(self, request):
        return Response(_lock_date_out())

    @extend_schema(request=s.LockDateIn, responses=s.LockDateOut)
    def put(self, request):
        body = s.LockDateIn(data=request.data)
        body.is_valid(raise_exception=True)
        services.lock_date_set(lock_date=body.validated_data["lock_date"], by=request.user)
        return Response(_lock_date_out())
