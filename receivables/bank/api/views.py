"""Bank statements through the API (API.md, "Imports and bank files"): upload a CAMT.053 file or
a CSV of a mapped layout, read the statements with each line's proposed match and its reason,
record the matched lines as payments. The import, matching and recording are the pages' own
(receivables/bank/services/, matching.py, tasks.py): the API parses, calls one, answers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import parsers, status
from rest_framework.response import Response

from o2c.api import GenericAPIView, ListAPIView, role_permission
from o2c.parsing import safe_filename
from o2c.roles import FINANCE
from receivables.bank import selectors, services
from receivables.bank.api import serializers as s
from receivables.bank.files import CsvMapping
from receivables.bank.models import BankStatement
from receivables.bank.tasks import bank_statement_record_now

CanBank = role_permission(FINANCE)  # finance and manager (and admin)
_MAPPING_FIELDS = ("date_column", "amount_column", "reference_column")


def _statement(statement_id: int) -> BankStatement:
    """The statement with its lines, each with its allocations' invoice numbers (`line_rows`)."""
    statement = selectors.statement_get(statement_id=statement_id)
    statement.line_rows = selectors.lines_with_invoices(selectors.statement_lines(statement_id=statement_id))
    return statement


def _mapping(data: dict) -> CsvMapping | None:
    """The CSV mapping sent with the file, if any of its columns is given."""
    if not any(data.get(name) for name in _MAPPING_FIELDS):
        return None
    return CsvMapping(
        date_column=data.get("date_column", ""),
        amount_column=data.get("amount_column", ""),
        reference_column=data.get("reference_column", ""),
        counterparty_column=data["counterparty_column"],
        date_format=data["date_format"],
        decimal_comma=data["decimal_comma"],
    )


class BankStatementListView(ListAPIView):
    permission_classes = [CanBank]
    serializer_class = s.BankStatementSummaryOut
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    filterset_fields = ["status", "format"]
    ordering_fields = ["id", "uploaded_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.statement_list()

    @extend_schema(
        request={"multipart/form-data": s.BankStatementUploadIn},
        responses={201: s.BankStatementOut, 200: s.BankStatementOut},
        description="Import a statement file: 201 with the new statement, its lines matched; the same "
        "file again answers 200 with the statement it made (`already_imported`), importing nothing.",
    )
    def post(self, request):
        body = s.BankStatementUploadIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data["file"]
        result = services.statement_receive(
            file_name=safe_filename(upload.name or "", fallback="statement"),
            content=upload.read(services.MAX_FILE_BYTES + 1),
            currency=data["currency"],
            mapping=_mapping(data),
            by=request.user,
        )
        statement = _statement(result.statement.pk)
        return Response(
            s.BankStatementOut(statement, context={"already_imported": result.already_imported}).data,
            status=status.HTTP_200_OK if result.already_imported else status.HTTP_201_CREATED,
        )


class BankStatementDetailView(GenericAPIView):
    permission_classes = [CanBank]
    serializer_class = s.BankStatementOut

    def get_queryset(self):
        return selectors.statement_list()

    def get(self, request, pk: int):
        statement = self.get_object()
        return Response(s.BankStatementOut(_statement(statement.pk)).data)


class BankStatementRecordView(GenericAPIView):
    permission_classes = [CanBank]
    serializer_class = s.BankStatementRecordOut

    def get_queryset(self):
        return selectors.statement_list()

    @extend_schema(
        request=s.BankStatementRecordIn,
        responses=s.BankStatementRecordOut,
        description="Record lines as payments, each in its own transaction: the given `lines`, or "
        "every matched line not yet recorded. A line recorded before is not recorded again.",
    )
    def post(self, request, pk: int):
        statement = self.get_object()
        body = s.BankStatementRecordIn(data=request.data)
        body.is_valid(raise_exception=True)
        results = bank_statement_record_now(
            statement_id=statement.pk, line_ids=body.validated_data.get("lines"), by=request.user
        )
        answer = _statement(statement.pk)
        answer.results = results
        return Response(s.BankStatementRecordOut(answer).data)
