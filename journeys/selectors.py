from uuid import UUID

from django.shortcuts import get_object_or_404

from customers.models import Customer

from .models import Journey


def customer_journeys(*, customer_id: UUID | str, limit: int = 200) -> list[Journey]:
    customer = get_object_or_404(Customer.objects.only("pk"), pk=customer_id)
    return list(Journey.objects.filter(customer=customer).order_by("-started_at")[:limit])

