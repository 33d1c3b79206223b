"""Staff create and edit customers, with the recognition every channel applies.

A new customer is never created silently beside an existing one: identifiers someone
already has offer that customer (to add what was typed to them, as the API's
find-or-create does), and a customer of the same name is offered before a new one is
made. Both pages are plain forms: a refusal comes back inside the page, a success
redirects to the 360° page.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from omni.actor import Actor
from omni.errors import DomainError
from omni.pages import refuse

from .errors import InvalidIdentifier
from .identifiers import format_phone
from .models import Customer, Medium
from .permissions import may_write_customers
from .selectors import customers_named_by, customers_of_the_same_name
from .services import customer_find_or_create, customer_update
from .services.customers import normalise_identifiers

IDENTIFIERS = ("email", "phone", "loyalty_card")


class CustomerForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)
    loyalty_card = forms.CharField(label=gettext_lazy("Loyalty card"), max_length=32, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=80, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language of their messages"), choices=settings.LANGUAGES)


class NewCustomerForm(CustomerForm):
    email_consent = forms.BooleanField(label=gettext_lazy("Agrees to marketing e-mails"), required=False)
    sms_consent = forms.BooleanField(label=gettext_lazy("Agrees to marketing SMS"), required=False)


def _identifiers(form: forms.Form) -> dict[str, str] | None:
    """The form's identifiers, normalised as every channel normalises them; None (with
    the field's error on the form) when one is not valid."""
    try:
        return normalise_identifiers(**{field: form.cleaned_data[field] for field in IDENTIFIERS})
    except InvalidIdentifier as exc:
        form.add_error(str(exc.extra.get("field", "")) or None, exc.detail)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def customer_create_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    if not may_write_customers(actor):
        return refuse(request, _("You may not create customers."))
    form = NewCustomerForm(request.POST or None, initial={"language": settings.OMNI_CUSTOMER_LANGUAGE})
    context: dict = {"form": form, "creating": True}
    if request.method != "POST" or not form.is_valid():
        return render(request, "customers/customer_form.html", context, status=400 if form.is_bound else 200)
    identifiers = _identifiers(form)
    if identifiers is None:
        return render(request, "customers/customer_form.html", context, status=400)
    decision = request.POST.get("decision", "")
    if not decision:
        # Ask before creating: someone has these identifiers, or someone has this name.
        recognised = list(customers_named_by(identifiers))
        same_name = [] if recognised else customers_of_the_same_name(
            first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"])
        if recognised or same_name:
            context.update(recognised=recognised, same_name=same_name)
            return render(request, "customers/customer_form.html", context)
    data = form.cleaned_data
    try:
        customer, created = customer_find_or_create(
            actor=actor,
            email=identifiers.get("email"),
            phone=identifiers.get("phone"),
            loyalty_card=identifiers.get("loyalty_card"),
            first_name=data["first_name"],
            last_name=data["last_name"],
            language=data["language"],
            # What the customer agreed to; an unticked box states nothing (no withdrawal).
            consents={medium: True for medium, given in ((Medium.EMAIL, data["email_consent"]),
                                                          (Medium.SMS, data["sms_consent"])) if given},
        )
    except DomainError as exc:
        context["refusal"] = exc.detail
        return render(request, "customers/customer_form.html", context, status=exc.status)
    if created and data["city"]:
        customer = customer_update(customer=customer, actor=actor, city=data["city"])
    if created:
        messages.success(request, _("Customer created."))
    else:
        messages.success(request, _("The details were added to %(name)s.") % {"name": customer})
    return redirect("customers:customer-detail", customer_id=customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit_page(request: HttpRequest, customer_id) -> HttpResponse:
    actor = Actor.from_request(request)
    customer = get_object_or_404(Customer.objects.active(), pk=customer_id)
    if not may_write_customers(actor):
        return refuse(request, _("You may not change customers."))
    initial = {field: getattr(customer, field) or "" for field in CustomerForm.base_fields}
    initial["phone"] = format_phone(customer.phone)
    initial["language"] = customer.message_language
    form = CustomerForm(request.POST or None, initial=initial)
    context = {"form": form, "customer": customer, "creating": False}
    if request.method != "POST" or not form.is_valid():
        return render(request, "customers/customer_form.html", context, status=400 if form.is_bound else 200)
    if _identifiers(form) is None:
        return render(request, "customers/customer_form.html", context, status=400)
    try:
        customer_update(customer=customer, actor=actor, **form.cleaned_data)
    except DomainError as exc:
        field = str(exc.extra.get("field", "")) or None
        form.add_error(field if field in form.fields else None, exc.detail)
        return render(request, "customers/customer_form.html", context, status=exc.status)
    messages.success(request, _("Customer saved."))
    return redirect("customers:customer-detail", customer_id=customer.pk)
