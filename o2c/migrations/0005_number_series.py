"""The counter rows of the gapless series of this year and the next, created ahead of the first
document (docs/decisions/0021); later years are added by the nightly task `number_series_prepare`."""

from django.db import migrations
from django.utils import timezone


def prepare(apps, schema_editor):
    from o2c.numbering import number_series_prepare

    number_series_prepare(today=timezone.localdate(), registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("o2c", "0004_outbox_email_at_most_once"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [migrations.RunPython(prepare, migrations.RunPython.noop)]
