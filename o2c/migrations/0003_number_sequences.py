from django.db import migrations


class Migration(migrations.Migration):
    """Sequences of the non-gapless document series (o2c/numbering.py SEQUENCES)."""

    dependencies = [("o2c", "0002_roles")]
    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS o2c_order_number_seq; CREATE SEQUENCE IF NOT EXISTS o2c_shipment_number_seq;",
            "DROP SEQUENCE IF EXISTS o2c_order_number_seq; DROP SEQUENCE IF EXISTS o2c_shipment_number_seq;",
        )
    ]
