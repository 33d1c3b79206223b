import django_filters

from .models import Product


class ProductFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", max_length=100)
    sku = django_filters.CharFilter(field_name="sku", max_length=64)
    barcode = django_filters.CharFilter(field_name="barcode", max_length=13)
    category = django_filters.CharFilter(field_name="category", max_length=40)

    class Meta:
        model = Product
        fields = ["search", "sku", "barcode", "category"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
