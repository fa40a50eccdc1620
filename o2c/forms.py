"""Form helpers shared by the pages of every app."""

from django import forms


class BootstrapForm(forms.Form):
    """Bootstrap's classes on every widget; invalid fields marked for the eye and the screen reader."""

    small = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = "-sm" if self.small else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = f"form-select form-select{size}" if size else "form-select"
            else:
                css = f"form-control form-control{size}" if size else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                described_by = [f"{self[name].auto_id}-errors"]
                if self.fields[name].help_text:
                    described_by.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described_by)
