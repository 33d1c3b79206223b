"""Marketing forms. The rules live in the services' ``promotion_errors`` and
``campaign_errors``; the forms only parse what the browser sends."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Segment
from omni.channels import Channel

from .codes import MAX_CODE_LENGTH
from .models import Kind, Promotion
from .services.campaigns import campaign_errors
from .services.codes import MAX_CODES_PER_BATCH
from .services.promotions import promotion_errors


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        if isinstance(widget, forms.CheckboxInput):
            continue
        single_select = isinstance(widget, forms.Select) and not widget.allow_multiple_selected
        widget.attrs.setdefault("class", "form-select" if single_select else "form-control")


class ListField(forms.CharField):
    """Comma- or line-separated values."""

    def to_python(self, value):
        value = (super().to_python(value) or "").replace("\x00", "")
        return sorted({item.strip() for item in value.replace("\n", ",").split(",") if item.strip()})

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PromotionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    value = forms.DecimalField(
        label=_("Value"), required=False, max_digits=12, decimal_places=2, min_value=0,
        help_text=_("Percentage, amount off or fixed unit price, depending on the kind."),
    )
    buy_quantity = forms.IntegerField(label=_("Buy"), required=False, min_value=1, max_value=1000)
    get_quantity = forms.IntegerField(label=_("Get free"), required=False, min_value=1, max_value=1000)
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False, widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=DateTimeLocalInput())
    skus = ListField(label=_("SKUs"), required=False, help_text=_("Comma-separated; empty: not limited to SKUs."))
    categories = ListField(label=_("Categories"), required=False, help_text=_("Comma-separated category slugs."))
    min_subtotal = forms.DecimalField(label=_("Minimum subtotal"), required=False, max_digits=12, decimal_places=2,
                                      min_value=0)
    segments = forms.ModelMultipleChoiceField(
        label=_("Customer segments"), queryset=Segment.objects.filter(is_active=True).order_by("name"), required=False,
        help_text=_("None chosen: every customer."),
    )
    requires_code = forms.BooleanField(label=_("Applies only with a code"), required=False)
    code = forms.CharField(label=_("Shared code"), max_length=MAX_CODE_LENGTH, required=False)
    usage_limit = forms.IntegerField(label=_("Usage limit (all customers)"), required=False, min_value=1,
                                     max_value=2_000_000_000)
    per_customer_limit = forms.IntegerField(label=_("Limit per customer"), required=False, min_value=1,
                                            max_value=2_000_000_000)
    priority = forms.IntegerField(label=_("Priority"), initial=0, min_value=-1000, max_value=1000)
    stackable = forms.BooleanField(label=_("Stackable with other promotions"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, instance: Promotion | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {name: getattr(instance, name) for name in self.base_fields if name != "segments"}
            initial["segments"] = list(instance.segments.all())
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean(self):
        cleaned = super().clean() or {}
        values = {name: value for name, value in cleaned.items() if name != "segments"}
        if not values.get("code"):
            values["code"] = None
        for name, message in promotion_errors(values, instance=self.instance).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields["code"] = fields.get("code") or None
        return fields


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=MAX_CODES_PER_BATCH, initial=100)
    # A declared field: the form metaclass takes it off the class, so BaseForm.prefix (the
    # HTML name prefix) is untouched; the stubs see a class attribute.
    prefix = forms.RegexField(  # type: ignore[assignment]
        label=_("Prefix"), regex=r"^[A-Za-z0-9]{0,12}-?$", required=False, max_length=13
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    promotion = forms.ModelChoiceField(label=_("Promotion"), queryset=Promotion.objects.order_by("name"))
    segment = forms.ModelChoiceField(
        label=_("Segment"), queryset=Segment.objects.filter(is_active=True).order_by("name")
    )
    sms_text = forms.CharField(
        label=_("SMS text"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=480,
        help_text=_("Placeholders: {first_name}, {code}, {store}."),
    )
    email_subject = forms.CharField(label=_("E-mail subject"), required=False, max_length=200)
    email_text = forms.CharField(label=_("E-mail text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    code_prefix = forms.RegexField(label=_("Code prefix"), regex=r"^[A-Za-z0-9]{0,12}-?$", required=False,
                                   max_length=13)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean(self):
        cleaned = super().clean() or {}
        for name, message in campaign_errors(cleaned).items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned
