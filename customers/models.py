"""The unified customer: identities, channels, consents, contacts, segments, merges and
the GDPR audit trail.

Every identifier lives once, normalised, in a unique column of ``Customer``: the database
decides which of two concurrent requests creates a customer (see
``services.customer_find_or_create``). ``CustomerIdentifier`` keeps the provenance: which
channel first saw this e-mail, phone or card.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omni.channels import Channel
from omni.models import ApiClient, Location
from omni.text import searchable


class Medium(models.TextChoices):
    """What a marketing consent is for."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


# Each medium's contact point on ``Customer``.
CONTACT_FIELDS: dict[str, str] = {Medium.EMAIL: "email", Medium.SMS: "phone"}


class CustomerQuerySet(models.QuerySet["Customer"]):
    def active(self) -> "CustomerQuerySet":
        """Customers that are themselves: neither merged into another nor erased."""
        return self.filter(merged_into__isnull=True, is_erased=False)

    def reachable_by(self, medium: str) -> "CustomerQuerySet":
        """Those a marketing message may reach by ``medium``: consent, and a contact point
        confirmed as theirs (``Customer.consent`` and ``confirmed_contact``, in SQL)."""
        field = CONTACT_FIELDS[medium]
        return self.filter(**{f"{medium}_consent": True, f"{field}__gt": "", f"{field}_confirmed_at__isnull": False})

    def live(self):
        """Not merged into another (an erased customer is still a row of the accounts)."""
        return self.filter(merged_into__isnull=True)

    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each customer's search name derived as ``save()`` derives it."""
        customers = list(objs)
        for customer in customers:
            customer.search_name = searchable(customer.full_name)
        return super().bulk_create(customers, *args, **kwargs)


class Customer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    # Stored lower-cased; NULL when unknown so that uniqueness ignores missing values.
    email = models.CharField(_("e-mail"), max_length=254, null=True, blank=True)
    # E.164, e.g. +33612345678.
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True, unique=True)
    loyalty_card = models.CharField(_("loyalty card"), max_length=32, null=True, blank=True, unique=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    preferred_store = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preferred_by",
        verbose_name=_("preferred store"),
    )
    email_consent = models.BooleanField(_("e-mail marketing consent"), default=False)
    email_consent_at = models.DateTimeField(null=True, blank=True)
    email_consent_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    sms_consent = models.BooleanField(_("SMS marketing consent"), default=False)
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    sms_consent_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    # When the e-mail address and the phone number were shown to be the customer's own:
    # given when the customer was created, confirmed by staff or a till in person, or
    # proved with a code sent to them. NULL: recorded but unconfirmed (attached later by
    # a website, app or call-centre client), so no message with a secret goes there.
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    phone_confirmed_at = models.DateTimeField(_("phone confirmed at"), null=True, blank=True)
    created_channel = models.CharField(_("created on"), max_length=16, choices=Channel.choices, blank=True)
    # The language of their messages; empty until known (then OMNI_CUSTOMER_LANGUAGE).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")
    # A default rather than auto_now_add: imported and demo customers keep their real date.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    is_erased = models.BooleanField(_("erased"), default=False)
    erased_at = models.DateTimeField(null=True, blank=True)
    # The name as searches compare it (omni.text.searchable: no accents, no case), derived
    # on every save: a plain LIKE finds "Guérin" for "GUERIN", and on PostgreSQL a trigram
    # index serves it (migration 0004).
    search_name = models.CharField(max_length=170, blank=True, default="", editable=False)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_unique_ci"),
            models.CheckConstraint(condition=~Q(email=""), name="customer_email_null_not_blank"),
            models.CheckConstraint(condition=~Q(phone=""), name="customer_phone_null_not_blank"),
            models.CheckConstraint(condition=~Q(loyalty_card=""), name="customer_card_null_not_blank"),
        ]
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="customer_name_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or self.loyalty_card or str(self.pk)

    def save(self, *args, **kwargs) -> None:
        self.search_name = searchable(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def consent(self, medium: str) -> bool:
        return bool(getattr(self, f"{medium}_consent"))

    def confirmed_contact(self, medium: str) -> str | None:
        """The customer's address for ``medium`` (``"sms"`` or ``"email"``) if it is
        confirmed as theirs, else ``None``: only there go messages that carry a secret or
        personal data (a pickup code, an order, a discount code)."""
        field = CONTACT_FIELDS[medium]
        value = getattr(self, field)
        return value if value and getattr(self, f"{field}_confirmed_at") else None

    @property
    def message_language(self) -> str:
        """The language every message to them is written in: theirs, else the shop's default."""
        return self.language or settings.OMNI_CUSTOMER_LANGUAGE

    def service_contact(self) -> tuple[str, str] | None:
        """Where a message about the customer's own order goes: SMS when they accept SMS,
        else e-mail; one who accepted neither still gets it (they asked for the order), by
        e-mail first. Only confirmed contact points; ``None`` when there is none."""
        if self.is_erased:
            return None
        sms, email = self.confirmed_contact(Medium.SMS), self.confirmed_contact(Medium.EMAIL)
        if sms and self.sms_consent:
            return Medium.SMS, sms
        if email:
            return Medium.EMAIL, email
        if sms:
            return Medium.SMS, sms
        return None


class CustomerChannel(models.Model):
    """A channel the customer has used, with when it was first and last seen."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="channel_uses")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["first_seen_at"]
        constraints = [models.UniqueConstraint(fields=["customer", "channel"], name="customer_channel_once")]
        indexes = [models.Index(fields=["channel", "customer"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}"


class CustomerIdentifier(models.Model):
    """An identifier the customer was recognised by, and the channel that first saw it."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        LOYALTY_CARD = "loyalty_card", _("Loyalty card")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=254)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    first_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "first_seen_at"]
        constraints = [models.UniqueConstraint(fields=["customer", "kind", "value"], name="customer_identifier_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class ConsentEvent(models.Model):
    """The consent history: every time a consent was given or withdrawn, where and by whom."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    medium = models.CharField(max_length=8, choices=Medium.choices)
    granted = models.BooleanField()
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    at = models.DateTimeField(db_index=True)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.medium} {'given' if self.granted else 'withdrawn'} {self.at:%Y-%m-%d}"


class Contact(models.Model):
    """A call, visit, e-mail or chat with the customer, noted by staff or a channel's tool."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")
        CHAT = "chat", _("Chat")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer_contacts"
    )
    client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class Segment(models.Model):
    """A named group of customers defined by rules (see ``customers.segments``)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # [{"fact": "channels_all", "params": {"channels": ["web"]}, "negate": false}, ...], all must hold.
    rules = models.JSONField(_("rules"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    member_count = models.PositiveIntegerField(default=0)
    recomputed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    members = models.ManyToManyField(Customer, through="SegmentMembership", related_name="segments")

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class SegmentMembership(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["segment", "customer"], name="segment_member_once")]
        indexes = [models.Index(fields=["customer", "segment"])]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.customer_id}"


class CustomerMerge(models.Model):
    """A duplicate merged into the customer it was: who did it, when, and what it held."""

    source = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merged_as_source")
    target = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges")
    # The duplicate's identity at the time of the merge (wiped if the target is erased).
    snapshot = models.JSONField(default=dict)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150)
    channel = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"


class PrivacyAuditEntry(models.Model):
    """GDPR audit trail: every export and erasure of a customer's personal data.
    Holds no personal data itself, only the customer's id."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Erasure")

    customer_id = models.UUIDField(db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150)
    channel = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("privacy audit entry")
        verbose_name_plural = _("privacy audit trail")

    def __str__(self) -> str:
        return f"{self.action} {self.customer_id} by {self.actor_label}"
