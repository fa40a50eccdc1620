"""`POST /imports/{kind}/` (API.md, "Imports and bank files"): a multipart file and `dry_run`
(true by default) → rows, created, updated and every error by row and field. The API answers
synchronously whatever the file's length; the pages run long files in the background."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from imports import services
from imports.api import serializers as s
from imports.errors import ImportErrorCode
from imports.kinds import KINDS
from o2c.api import APIView
from o2c.errors import DomainError


class ImportView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create",
        summary="Import customers, products, opening stock or open invoices",
        description=(
            "Customers, products and stock: manager (and admin). Open invoices: finance and manager. "
            "A dry run (the default) changes nothing; a real run with any error changes nothing either."
        ),
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(KINDS),
                description="what the file holds",
            )
        ],
        request={"multipart/form-data": s.ImportIn},
        responses={
            200: OpenApiResponse(s.ImportOut, description="the counts, and every error by row and field"),
            403: OpenApiResponse(description="the user's role may not import this kind"),
        },
    )
    def post(self, request, kind: str):
        services.import_kind_get(kind=kind)  # an unknown kind is a 400 naming `kind`
        if not services.import_allowed(user=request.user, kind=kind):
            raise PermissionDenied(f"this import is for {', '.join(KINDS[kind].roles)}")
        if "file" not in request.FILES:
            raise DomainError(
                "send the file as multipart field `file`", field="file", code=ImportErrorCode.MISSING_FILE
            )
        if not request.FILES["file"].size:
            raise DomainError("the file is empty", field="file", code=ImportErrorCode.EMPTY_FILE)
        body = s.ImportIn(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        result = services.import_run(
            kind=kind,
            content=upload.read(),
            filename=upload.name or "",
            dry_run=body.validated_data["dry_run"],
            by=request.user,
        )
        return Response(s.ImportOut(result.as_dict()).data)
