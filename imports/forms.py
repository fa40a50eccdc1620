from __future__ import annotations

from django import forms

from imports.files import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="CSV (comma, semicolon or tab; UTF-8 or Windows-1252) or XLSX, header in row 1"
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"the file is over {MAX_BYTES // (1024 * 1024)} MB")
        return upload
