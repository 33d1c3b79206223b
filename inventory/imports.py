"""CSV imports of products and of stock counts, read and checked: ``preview`` validates
every row and writes nothing. The job that applies the valid rows is
``inventory.services.imports``.

Products: ``sku,name,price[,barcode,category,size,colour,price_web,price_app,price_store,price_call_centre,
           is_active,low_stock_threshold]``
Counts:   ``sku,location,quantity[,reason]``
Separator ``,`` or ``;``; UTF-8 (with or without BOM).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omni.actor import Actor
from omni.channels import Channel
from omni.models import Location
from omni.money import typed_amount

from .errors import ImportRefused
from .models import MAX_STOCK_QUANTITY, ImportJob, Product, is_valid_ean13
from .permissions import can_move_stock_at, can_write_catalogue

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED: dict[str, list[str]] = {
    ImportJob.Kind.PRODUCTS: ["sku", "name", "price"],
    ImportJob.Kind.COUNTS: ["sku", "location", "quantity"],
}
CHANNEL_COLUMNS = {f"price_{channel}": channel for channel in Channel.values}


ACTION_LABELS = {
    "create": gettext_lazy("New product"),
    "update": gettext_lazy("Update"),
    "count": gettext_lazy("Count"),
}


@dataclass
class RowResult:
    line: int
    data: dict
    errors: list[str] = field(default_factory=list)
    action: str = ""  # create | update | count

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


def read_csv(content: str) -> list[dict[str, str]]:
    if len(content.encode()) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB."))
    content = content.lstrip("\ufeff")
    if "\x00" in content:  # a binary file (a spreadsheet saved as .xlsx, say): text holds no NUL
        raise ImportRefused(_("The file is not CSV text: it holds NUL characters. Save it as CSV (UTF-8)."))
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    rows = []
    try:
        if not reader.fieldnames:
            raise ImportRefused(_("The file is empty."))
        reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames]
        for row in reader:
            rows.append({key: (value or "").strip() for key, value in row.items() if key})
            if len(rows) > MAX_ROWS:
                raise ImportRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except csv.Error as exc:  # a field past the csv module's limit (128 KB), a stray quote
        raise ImportRefused(
            _("Line %(line)s cannot be read as CSV: %(reason)s.") % {"line": reader.line_num + 1, "reason": exc}
        ) from exc
    return rows


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The file is not UTF-8 text."))



def _check_product_row(row: dict, product: Product | None, barcodes: dict[str, str]) -> tuple[dict, list[str]]:
    errors, data = [], {}
    sku = row.get("sku", "")
    if not sku or len(sku) > 64:
        errors.append(_("sku: required, at most 64 characters."))
    data["name"] = row.get("name", "")[:200]
    if not data["name"]:
        errors.append(_("name: required."))
    price = typed_amount(row.get("price", ""))
    if price is None:
        errors.append(_("price: not an amount."))
    data["price"] = price
    barcode = row.get("barcode", "")
    if barcode:
        if not is_valid_ean13(barcode):
            errors.append(_("barcode: not a valid EAN-13."))
        elif barcodes.get(barcode, sku) != sku:
            errors.append(_("barcode: already used by %(sku)s.") % {"sku": barcodes[barcode]})
        data["barcode"] = barcode
    if "category" in row:
        data["category"] = slugify(row["category"])[:40]
    attributes = dict(product.attributes) if product else {}
    for key in ("size", "colour"):
        if row.get(key):
            attributes[key] = row[key][:40]
    data["attributes"] = attributes
    if row.get("low_stock_threshold"):
        if row["low_stock_threshold"].isdigit() and int(row["low_stock_threshold"]) <= MAX_STOCK_QUANTITY:
            data["low_stock_threshold"] = int(row["low_stock_threshold"])
        else:
            errors.append(_("low_stock_threshold: a whole number from 0."))
    if row.get("is_active"):
        data["is_active"] = row["is_active"].lower() not in ("0", "false", "no", "non", "n")
    prices = {}
    for column, channel in CHANNEL_COLUMNS.items():
        if row.get(column):
            amount = typed_amount(row[column])
            if amount is None:
                errors.append(_("%(column)s: not an amount.") % {"column": column})
            prices[channel] = amount
    data["channel_prices"] = prices
    return data, errors


def preview(*, kind: str, content: str, actor: Actor) -> list[RowResult]:
    """Validate every row against the database (a constant number of queries), write nothing."""
    if kind not in ImportJob.Kind.values:
        raise ImportRefused(_("Unknown import kind."))
    rows = read_csv(content)
    missing = [column for column in REQUIRED[kind] if rows and column not in rows[0]]
    if missing:
        raise ImportRefused(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    if kind == ImportJob.Kind.PRODUCTS and not can_write_catalogue(actor):
        raise ImportRefused(_("Only administrators import the catalogue."))
    skus = {row.get("sku", "") for row in rows}
    products = {product.sku: product for product in Product.objects.filter(sku__in=skus)}
    results = []
    if kind == ImportJob.Kind.PRODUCTS:
        wanted = {row.get("barcode") for row in rows if row.get("barcode")}
        taken = Product.objects.filter(barcode__in=wanted).values_list("barcode", "sku")
        barcodes = {str(barcode): sku for barcode, sku in taken}
        seen: set[str] = set()
        for line, row in enumerate(rows, start=2):
            data, errors = _check_product_row(row, products.get(row.get("sku", "")), barcodes)
            if row.get("sku") in seen:
                errors.append(_("sku: appears twice in the file."))
            seen.add(row.get("sku", ""))
            if data.get("barcode") and not errors:
                barcodes[data["barcode"]] = row["sku"]
            action = "update" if row.get("sku") in products else "create"
            results.append(RowResult(line, {"sku": row.get("sku", ""), **data}, errors, action))
        return results
    locations = {loc.code: loc for loc in Location.objects.filter(code__in={row.get("location") for row in rows})}
    for line, row in enumerate(rows, start=2):
        errors = []
        if row.get("sku") not in products:
            errors.append(_("sku: unknown product."))
        location = locations.get(row.get("location", ""))
        if location is None:
            errors.append(_("location: unknown location."))
        elif not can_move_stock_at(actor, location):
            errors.append(_("location: not one of your locations."))
        quantity = row.get("quantity", "")
        if not quantity.isdigit() or int(quantity) > MAX_STOCK_QUANTITY:
            errors.append(_("quantity: a whole number from 0."))
        data = {
            "sku": row.get("sku", ""),
            "location": row.get("location", ""),
            "quantity": int(quantity) if quantity.isdigit() else quantity,
            "reason": row.get("reason", "")[:200],
        }
        results.append(RowResult(line, data, errors, "count"))
    return results
