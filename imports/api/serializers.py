from __future__ import annotations

from rest_framework import serializers


class ImportIn(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV (UTF-8 or Windows-1252, any of , ; tab |) or XLSX; header in row 1"
    )
    dry_run = serializers.BooleanField(
        default=True, help_text="true (the default): check only, write nothing"
    )


class ImportErrorOut(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="the row as the file shows it (the header is row 1; 0: the whole file)"
    )
    field = serializers.CharField(help_text="the column, or `file`")
    message = serializers.CharField()


class ImportOut(serializers.Serializer):
    rows = serializers.IntegerField(help_text="rows read (empty rows skipped)")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportErrorOut(many=True)
