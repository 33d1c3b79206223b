"""The customer search served by indexes: the searchable name column, filled for the
customers already there, and on PostgreSQL trigram indexes on it, the e-mail address and
the phone (a LIKE '%…%' or 'start%' on them is then an index scan, whatever the table's size)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from omni.text import searchable

TRIGRAM_INDEXES = {
    "customer_search_name_trgm": "search_name",
    "customer_email_trgm": "email",
    "customer_phone_trgm": "phone",
}


def fill_search_names(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    batch = []
    for customer in Customer.objects.only("pk", "first_name", "last_name").iterator(chunk_size=5000):
        customer.search_name = searchable(f"{customer.first_name} {customer.last_name}")
        batch.append(customer)
        if len(batch) == 5000:
            Customer.objects.bulk_update(batch, ["search_name"])
            batch = []
    Customer.objects.bulk_update(batch, ["search_name"])


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans: a demo's or a test's few thousand customers
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON customers_customer USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_contact_points_confirmed"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="customer",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=170),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
