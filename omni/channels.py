"""The sales channels. Every order, touchpoint and state change carries one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web shop")
    APP = "app", _("Mobile app")
    STORE = "store", _("Store")
    CALL_CENTRE = "call_centre", _("Call centre")
