from django import forms

from o2c.forms import BootstrapForm, DateField


class RevaluationForm(BootstrapForm):
    date = DateField(
        label="As of",
        help_text="usually the month's last day; posted that day, reversed the next",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
