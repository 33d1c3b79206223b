"""The loader, codes and redemptions against the database."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from inventory.errors import UnknownProduct
from promotions.codes import ALPHABET
from promotions.errors import CodeExpired, CodeNotApplicable, CodeUnknown, CodeUsed
from promotions.models import DiscountCode, Redemption
from promotions.pricing import price_cart
from promotions.services import (
    code_check,
    code_redeem,
    code_release,
    codes_generate,
    redemptions_record,
)
from promotions.signals import code_redeemed
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory, add_members

pytestmark = pytest.mark.django_db


def lines(*pairs):
    return [{"sku": sku, "quantity": quantity} for sku, quantity in pairs]


def test_price_cart_uses_channel_prices_and_promotions(catalogue):
    PromotionFactory(name="Caps -20%", categories=["caps"])
    web = price_cart(lines=lines(("CAP-NY", 2), ("TEE-01", 1)), channel="web")
    store = price_cart(lines=lines(("CAP-NY", 2), ("TEE-01", 1)), channel="store")
    # web: 2 x 22.00 = 44.00, -8.80; store: 2 x 25.00 = 50.00, -10.00
    assert (web.subtotal, web.discount_total, web.total) == (D("59.00"), D("8.80"), D("50.20"))
    assert (store.subtotal, store.discount_total, store.total) == (D("65.00"), D("10.00"), D("55.00"))
    assert web.discounts[0].name == "Caps -20%"


def test_price_cart_merges_repeated_skus(catalogue):
    cart = price_cart(lines=lines(("TEE-01", 1), ("TEE-01", 2)), channel="store")
    assert [(x.sku, x.quantity) for x in cart.lines] == [("TEE-01", 3)]


def test_price_cart_unknown_or_inactive_sku(catalogue):
    with pytest.raises(UnknownProduct) as raised:
        price_cart(lines=lines(("TEE-01", 1), ("NOPE", 1)), channel="web")
    assert raised.value.extra == {"sku": "NOPE", "index": 1}
    catalogue["bag"].is_active = False
    catalogue["bag"].save()
    with pytest.raises(UnknownProduct):
        price_cart(lines=lines(("BAG-01", 1)), channel="web")


def test_price_cart_query_count_is_constant(catalogue, django_assert_max_num_queries):
    customer = CustomerFactory()
    segment = SegmentFactory()
    add_members(segment, customer)
    for n in range(30):
        PromotionFactory(categories=["caps"], segments=[segment] if n % 2 else [], usage_limit=100 if n % 3 else None)
    DiscountCodeFactory(code="HELLO", promotion=PromotionFactory(requires_code=True, value="5", stackable=True))
    with django_assert_max_num_queries(11):
        cart = price_cart(
            lines=lines(("CAP-NY", 1), ("CAP-LA", 2), ("TEE-01", 1), ("BAG-01", 4)),
            channel="web",
            customer=customer,
            codes=["hello"],
        )
    assert cart.codes == ["HELLO"]


def test_segment_targeting_through_the_loader(catalogue):
    vip = SegmentFactory(slug="vip")
    member, other = CustomerFactory(), CustomerFactory()
    add_members(vip, member)
    PromotionFactory(value="10", segments=[vip])
    assert price_cart(lines=lines(("TEE-01", 1)), channel="web", customer=member).discount_total == D("1.50")
    assert price_cart(lines=lines(("TEE-01", 1)), channel="web", customer=other).discount_total == 0
    assert price_cart(lines=lines(("TEE-01", 1)), channel="web").discount_total == 0


def test_codes_generate_unique_and_easy_to_type(system):
    promotion = PromotionFactory()
    codes = codes_generate(promotion=promotion, count=500, prefix="sms", actor=system)
    assert len(set(codes)) == 500 and DiscountCode.objects.filter(promotion=promotion).count() == 500
    for code in codes:
        assert code.startswith("SMS-") and len(code) == 14
        assert set(code[4:]) <= set(ALPHABET) and not set(code[4:]) & set("01OI")
    promotion.refresh_from_db()
    assert promotion.requires_code


def test_code_errors(catalogue):
    now = timezone.now()
    with pytest.raises(CodeUnknown):
        code_check(code="NOPE", channel="web")
    ended = PromotionFactory(requires_code=True, ends_at=now - timedelta(days=1), starts_at=now - timedelta(days=9))
    DiscountCodeFactory(code="OLD", promotion=ended)
    with pytest.raises(CodeExpired):
        code_check(code="old", channel="web")
    store_only = PromotionFactory(requires_code=True, channels=["store"])
    DiscountCodeFactory(code="STORE", promotion=store_only)
    with pytest.raises(CodeNotApplicable):
        code_check(code="STORE", channel="web")
    assert code_check(code=" store ", channel="store") == store_only
    later = PromotionFactory(requires_code=True, starts_at=now + timedelta(days=1))
    DiscountCodeFactory(code="SOON", promotion=later)
    with pytest.raises(CodeNotApplicable):
        code_check(code="SOON", channel="web")
    DiscountCodeFactory(code="USED", state=DiscountCode.State.REDEEMED)
    with pytest.raises(CodeUsed):
        price_cart(lines=lines(("TEE-01", 1)), channel="web", codes=["USED"])


def test_shared_code_unlocks_its_promotion(catalogue):
    PromotionFactory(code="SUMMER", requires_code=True, value="10")
    assert price_cart(lines=lines(("TEE-01", 2)), channel="web").discount_total == 0
    cart = price_cart(lines=lines(("TEE-01", 2)), channel="web", codes=["summer"])
    assert cart.discount_total == D("3.00") and cart.discounts[0].code == "SUMMER"


def test_redeem_single_use_code_once_and_release(catalogue, system):
    code = DiscountCodeFactory(code="ONCE")
    customer = CustomerFactory()
    seen = []
    code_redeemed.connect(lambda sender, redemption, **kw: seen.append(redemption.pk), weak=False, dispatch_uid="t")
    try:
        first = code_redeem(code="once", customer=customer, order_reference="W-1", channel="web", actor=system)
    finally:
        code_redeemed.disconnect(dispatch_uid="t")
    assert seen == [first.pk]
    # the same order again: its first redemption, nothing new
    assert code_redeem(code="ONCE", customer=customer, order_reference="W-1", channel="web", actor=system) == first
    with pytest.raises(CodeUsed):
        code_redeem(code="ONCE", customer=customer, order_reference="W-2", channel="store", actor=system)
    assert Redemption.objects.count() == 1
    code.refresh_from_db()
    assert code.state == DiscountCode.State.REDEEMED
    with pytest.raises(CodeUsed):
        price_cart(lines=lines(("TEE-01", 1)), channel="web", codes=["ONCE"])
    # the order is cancelled: the code may be used again
    assert len(code_release(order_reference="W-1", actor=system)) == 1
    assert code_release(order_reference="W-1", actor=system) == []
    code.refresh_from_db()
    assert code.state == DiscountCode.State.AVAILABLE
    assert price_cart(lines=lines(("TEE-01", 1)), channel="web", codes=["ONCE"]).discount_total == D("3.00")
    code_redeem(code="ONCE", customer=None, order_reference="W-3", channel="store", actor=system)
    assert Redemption.objects.filter(released_at__isnull=True).count() == 1


def test_usage_limit_total(catalogue, system):
    PromotionFactory(code="TWICE", requires_code=True, usage_limit=2)
    for n in range(2):
        code_redeem(code="TWICE", customer=None, order_reference=f"O-{n}", channel="web", actor=system)
    with pytest.raises(CodeUsed):
        code_redeem(code="TWICE", customer=None, order_reference="O-3", channel="web", actor=system)
    with pytest.raises(CodeUsed):
        price_cart(lines=lines(("TEE-01", 1)), channel="web", codes=["TWICE"])
    assert Redemption.objects.count() == 2


def test_usage_limit_per_customer(catalogue, system):
    PromotionFactory(code="ONEEACH", requires_code=True, per_customer_limit=1)
    alice, bob = CustomerFactory(), CustomerFactory()
    code_redeem(code="ONEEACH", customer=alice, order_reference="O-1", channel="web", actor=system)
    with pytest.raises(CodeUsed):
        code_redeem(code="ONEEACH", customer=alice, order_reference="O-2", channel="web", actor=system)
    with pytest.raises(CodeUsed):
        price_cart(lines=lines(("TEE-01", 1)), channel="web", customer=alice, codes=["ONEEACH"])
    code_redeem(code="ONEEACH", customer=bob, order_reference="O-3", channel="store", actor=system)


def test_usage_limit_of_an_automatic_promotion_stops_it(catalogue, system):
    PromotionFactory(name="First 1", usage_limit=1, value="10")
    cart = price_cart(lines=lines(("TEE-01", 1)), channel="web")
    assert cart.discount_total == D("1.50")
    assert len(redemptions_record(priced=cart, customer=None, order_reference="A", channel="web", actor=system)) == 1
    assert price_cart(lines=lines(("TEE-01", 1)), channel="web").discount_total == 0
    with pytest.raises(CodeUsed):
        redemptions_record(priced=cart, customer=None, order_reference="B", channel="web", actor=system)


def test_redemptions_record_refuses_everything_if_one_code_is_used(catalogue, system):
    PromotionFactory(name="auto", value="10", stackable=True)
    code = DiscountCodeFactory(code="LATE", promotion=PromotionFactory(requires_code=True, value="5", stackable=True))
    cart = price_cart(lines=lines(("TEE-01", 1)), channel="web", codes=["LATE"])
    assert len(cart.discounts) == 2
    code_redeem(code="LATE", customer=None, order_reference="other", channel="store", actor=system)
    with pytest.raises(CodeUsed):
        redemptions_record(priced=cart, customer=None, order_reference="mine", channel="web", actor=system)
    assert not Redemption.objects.filter(order_reference="mine").exists()
    assert code.redemptions.count() == 1


def test_merged_customer_keeps_per_customer_limits(catalogue, system):
    from customers.signals import customers_merged

    PromotionFactory(code="ONCEEACH", requires_code=True, per_customer_limit=1)
    target, duplicate = CustomerFactory(), CustomerFactory()
    code_redeem(code="ONCEEACH", customer=duplicate, order_reference="D-1", channel="web", actor=system)
    customers_merged.send(sender=None, source_id=duplicate.pk, target_id=target.pk, actor=system)
    assert Redemption.objects.get().customer_id == target.pk
    with pytest.raises(CodeUsed):
        code_redeem(code="ONCEEACH", customer=target, order_reference="D-2", channel="web", actor=system)


def test_a_big_batch_of_codes(system, django_assert_max_num_queries):
    promotion = PromotionFactory()
    # bulk inserts in batches (SQLite caps the parameters of one statement)
    with django_assert_max_num_queries(100):
        codes = codes_generate(promotion=promotion, count=10_000, actor=system)
    assert len(set(codes)) == 10_000 == DiscountCode.objects.count()


def test_promotion_with_generated_codes_keeps_requiring_a_code(system):
    from promotions.errors import InvalidPromotion
    from promotions.services import promotion_update

    promotion = PromotionFactory()
    codes_generate(promotion=promotion, count=2, actor=system)
    promotion.refresh_from_db()
    with pytest.raises(InvalidPromotion):
        promotion_update(promotion=promotion, actor=system, requires_code=False)
    promotion.refresh_from_db()
    assert promotion.requires_code


def test_the_service_refuses_unknown_skus_whoever_calls_it(system, catalogue):
    from promotions.errors import InvalidPromotion
    from promotions.models import Promotion
    from promotions.services import promotion_create, promotion_update

    with pytest.raises(InvalidPromotion) as refused:
        promotion_create(actor=system, name="Ghost", kind="percent", value=D("10"), skus=["CAP-NY", "NOPE"])
    assert set(refused.value.extra["errors"]) == {"skus"} and "NOPE" in refused.value.extra["errors"]["skus"]
    assert not Promotion.objects.exists()
    # Only the SKUs given are checked: a promotion on a product withdrawn since stays editable.
    promotion = promotion_create(actor=system, name="Caps", kind="percent", value=D("10"), skus=["CAP-LA"])
    catalogue["cap2"].delete()
    promotion = promotion_update(promotion=promotion, actor=system, name="Caps, last days")
    assert promotion.name == "Caps, last days" and promotion.skus == ["CAP-LA"]
