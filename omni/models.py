"""The organisation: locations, staff, API clients, and the cross-cutting records
(idempotency keys, the message outbox)."""

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .channels import Channel
from .rates import validate_rate


def history_user(request=None, **kwargs):
    """Audit history names a staff member; API clients' changes are recorded by the
    services' own ledgers, so the history keeps no user for them."""
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


class Location(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        WAREHOUSE = "warehouse", _("Warehouse")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STORE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    click_and_collect = models.BooleanField(_("click & collect"), default=False)
    ship_from_store = models.BooleanField(_("ship from store"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A member of staff. What they may do follows from the role and their locations."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STORE_MANAGER = "store_manager", _("Store manager")
        STORE_STAFF = "store_staff", _("Store staff")
        MARKETING = "marketing", _("Marketing")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STORE_STAFF)
    # The channel a staff member sells on: store staff in a store, agents on the phone.
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.STORE)
    locations = models.ManyToManyField(Location, blank=True, related_name="staff", verbose_name=_("locations"))
    history = HistoricalRecords(excluded_fields=["password", "last_login"], get_user=history_user)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")


class ApiClient(models.Model):
    """A machine that calls the API: the website, the app, a POS terminal, a call-centre
    tool or the ERP. Its token is stored hashed and shown once, at creation."""

    class Kind(models.TextChoices):
        WEB = "web", _("Website")
        APP = "app", _("Mobile app")
        POS = "pos", _("POS terminal")
        CALL_CENTRE = "call_centre", _("Call centre")
        INTEGRATION = "integration", _("Integration (ERP)")

    CHANNEL_OF_KIND: dict[str, str | None] = {
        Kind.WEB: Channel.WEB,
        Kind.APP: Channel.APP,
        Kind.POS: Channel.STORE,
        Kind.CALL_CENTRE: Channel.CALL_CENTRE,
        Kind.INTEGRATION: None,
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="api_clients"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False, help_text=_("To recognise a token."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Its own API rate; empty: its kind's (omni.throttling). A website or an app serves
    # every shopper with one token, so its kind's default is far higher than a till's.
    rate_limit = models.CharField(
        _("rate limit"), max_length=16, blank=True, validators=[validate_rate],
        help_text=_("Requests per period, for example 2000/s, or none; empty: the default of its kind."),
    )

    # DRF treats the authenticated principal as a user; a client is always authenticated.
    is_authenticated = True
    is_anonymous = False

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="pos") | Q(location__isnull=False), name="pos_client_has_location"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def channel(self) -> str | None:
        return self.CHANNEL_OF_KIND[self.kind]

    @staticmethod
    def hash_token(token: str) -> str:
        # Tokens carry 256 bits of randomness: a plain digest is as safe as a slow hash.
        return hashlib.sha256(token.encode()).hexdigest()


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an ``Idempotency-Key``, per caller."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight"
        DONE = "done"

    scope = models.CharField(max_length=80, help_text="client:<id> or user:<id>")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_per_scope")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} ({self.state})"


class Message(models.Model):
    """The outbox: an SMS or e-mail, written in the transaction of the change that causes
    it and sent afterwards, so a broker outage delays messages but never loses them."""

    class Medium(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    medium = models.CharField(max_length=8, choices=Medium.choices)
    kind = models.CharField(max_length=40, help_text=_("What the message is for, e.g. pickup_ready."))
    recipient = models.CharField(max_length=254)
    subject_line = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # What the message is about (an order, a customer, a campaign), any app's model.
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    about_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    provider_reference = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["about_type", "about_id"])]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.medium} to {self.recipient}: {self.kind} ({self.status})"
