"""The product search as the customer search: a searchable name column (accents and case
aside, omni.text.searchable), filled for the products already there, and on PostgreSQL a
trigram index on it (a LIKE '%…%' on it is then an index scan, whatever the catalogue's size)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from omni.text import searchable


def fill_search_names(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    batch = []
    for product in Product.objects.only("pk", "name").iterator(chunk_size=5000):
        product.search_name = searchable(product.name)
        batch.append(product)
        if len(batch) == 5000:
            Product.objects.bulk_update(batch, ["search_name"])
            batch = []
    Product.objects.bulk_update(batch, ["search_name"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS product_search_name_trgm ON inventory_product USING gin (search_name gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS product_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_historicalproduct"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="product",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
