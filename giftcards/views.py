"""Staff pages for gift cards: issue one (its code shown this once, to print or hand
over), check one (balance, status, its ledger) and, for administrators, disable one.

Codes are posted, never put in a URL: a URL ends up in logs and in the browser's history.
Each answer is the whole page, the refusal or the result in place.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from customers.permissions import may_read_customers
from customers.selectors import customer_exact_match
from omni.actor import Actor
from omni.errors import DomainError
from omni.money import typed_amount

from . import codes, selectors, services
from .models import GiftCard, GiftCardEntry
from .permissions import may_issue_cards

TEMPLATE = "giftcards/home.html"


def _actor(request) -> Actor:
    actor = Actor.from_request(request)
    if not may_issue_cards(actor):
        raise PermissionDenied
    return actor


def _page(request, status: int = 200, **context):
    return render(request, TEMPLATE, {"values": {}, "errors": {}, **context}, status=status)


@login_required
def home(request):
    _actor(request)
    return _page(request)


@login_required
@require_POST
def issue(request):
    actor = _actor(request)
    values = {"amount": request.POST.get("amount", "").strip(), "customer": request.POST.get("customer", "").strip()}
    errors: dict[str, str] = {}
    amount = typed_amount(values["amount"])
    if amount is None:
        errors["amount"] = _("Enter an amount, for example 50 or 49.90.")
    customer = None
    if values["customer"]:
        customer = customer_exact_match(values["customer"])
        if customer is None:
            errors["customer"] = _("No customer has this e-mail, phone or loyalty card.")
    if errors or amount is None:
        return _page(request, status=400, values=values, errors=errors)
    try:
        issued = services.card_issue(amount=amount, customer=customer, actor=actor)
    except DomainError as exc:
        return _page(request, status=exc.status, values=values, errors={"amount": exc.detail})
    return _page(request, issued=issued, issued_code=codes.printed(issued.code))


@login_required
@require_POST
def check(request):
    actor = _actor(request)
    code = request.POST.get("code", "").strip()
    try:
        card = services.card_find(code, actor=actor)
    except DomainError as exc:
        return _page(request, status=exc.status, check_refusal=exc.detail, check_code=code)
    return _card_page(request, card, actor)


@login_required
@require_POST
def disable(request, card_id):
    actor = _actor(request)
    card = GiftCard.objects.filter(pk=card_id).first()
    if card is None:
        return _page(request, status=404, check_refusal=_("No gift card has this code."))
    try:
        card = services.card_disable(card=card, reason=request.POST.get("reason", ""), actor=actor)
    except DomainError as exc:
        return _card_page(request, card, actor, status=exc.status, refusal=exc.detail)
    return _card_page(request, card, actor)


@login_required
def customer_cards(request, customer_id):
    """A section of the 360° page: the customer's gift cards and store credit, each with
    its last entries (the whole page when loaded directly)."""
    actor = Actor.from_request(request)
    if not may_read_customers(actor):
        raise PermissionDenied
    customer = get_object_or_404(Customer, pk=customer_id)
    cards = list(selectors.cards_of(customer).prefetch_related("entries"))
    now = timezone.now()
    context = {"customer": customer,
               "cards": [(card, card.status_at(now), _last(card.entries.all())) for card in cards],
               "may_issue": may_issue_cards(actor)}
    template = "giftcards/_customer_cards.html" if request.htmx else "giftcards/customer_cards.html"
    return render(request, template, context)


def _last(entries) -> GiftCardEntry | None:
    """The newest of a card's prefetched entries (oldest first, as the ledger reads)."""
    entries = list(entries)
    return entries[-1] if entries else None


def _card_page(request, card: GiftCard, actor: Actor, status: int = 200, refusal: str = ""):
    entries = list(card.entries.select_related("location").order_by("-at", "-pk")[:50])
    return _page(request, status=status, card=card, card_status=card.status_at(timezone.now()), entries=entries,
                 may_disable=actor.is_admin and not card.is_disabled, card_refusal=refusal)
