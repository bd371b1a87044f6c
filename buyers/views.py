"""The seller's inquiry dashboard: the inbox (unread first, filters, search), the thread with the reply and
quotation forms, the buyers' files, the figures, reply templates and the settings (working week, holidays, e-mails).

Thin, as the other dashboards: each view finds the user's seller through its membership (``seller_required``), finds
objects by public id within that seller (404 otherwise: another seller's inquiry cannot even be learnt to exist),
calls one service and renders. Domain refusals become form errors or messages, never a 500.
"""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from buyers import chart, placeholders, selectors, services, workhours
from buyers.forms import (
    HolidayForm,
    InboxFilterForm,
    NotificationSettingsForm,
    OutcomeForm,
    QuotationForm,
    ReplyForm,
    ReplyTemplateForm,
    WorkingWeekForm,
)
from buyers.models import Delivery, InquiryStatus
from catalog import selectors as catalog_selectors
from dxports.dashboard import seller_required
from dxports.errors import ApplicationError
from dxports.storage import private_file_response

PAGE_SIZE = 25


def _inquiry_or_404(member, public_id):
    inquiry = selectors.inquiry_for_seller(seller=member.seller, public_id=public_id)
    if inquiry is None:
        raise Http404
    return inquiry


def _apply_error(form, error):
    field = error.extra.get("field") if error.extra else None
    form.add_error(field if field in form.fields else None, error.message)


# The inbox -------------------------------------------------------------------------------------------------------


@seller_required
@require_safe
def inbox(request, member):
    seller = member.seller
    products, country_codes = selectors.inbox_choices(seller=seller)
    filters = InboxFilterForm(request.GET or None, products=products, country_codes=country_codes)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    inquiries = selectors.inbox_for_seller(
        seller=seller,
        status=criteria.get("status", ""),
        product_id=criteria.get("product"),
        country=criteria.get("country", ""),
        waiting=criteria.get("waiting", ""),
        search=criteria.get("q", ""),
    )
    page = Paginator(inquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "buyers/inbox.html",
        {
            "member": member,
            "seller": seller,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "is_filtered": bool(criteria and any(value not in (None, "") for value in criteria.values())),
        },
    )


# The thread ------------------------------------------------------------------------------------------------------


def _thread_page(request, member, inquiry, *, reply_form=None, quotation_form=None, status=200):
    seller = member.seller
    terms = None
    if inquiry.product_id is not None:
        terms = catalog_selectors.product_terms(product_ids=[inquiry.product_id]).get(inquiry.product_id)
    values = placeholders.values_for(inquiry=inquiry, terms=terms, seller_name=seller.trade_name or seller.legal_name)
    templates = list(selectors.reply_templates_for(seller=seller))
    if reply_form is None:
        initial = {}
        chosen = request.GET.get("template")
        template = next((t for t in templates if str(t.public_id) == chosen), None)
        if template is not None:
            initial["content"] = placeholders.fill(template.body, values)
        reply_form = ReplyForm(initial=initial)
    if quotation_form is None:
        offer: dict[str, object] = {
            "quantity": inquiry.quantity,
            "incoterm": "FOB",
            "port_of_loading": _("Chattogram"),
        }
        if terms is not None:
            offer.update(
                unit=terms.unit,
                price=terms.price_for(inquiry.quantity),
                payment_terms=list(terms.payment_terms),
            )
        quotation_form = QuotationForm(initial=offer, auto_id="q_%s")
    may_answer = seller.is_in_program and inquiry.status != InquiryStatus.SPAM
    return render(
        request,
        "buyers/thread.html",
        {
            "member": member,
            "seller": seller,
            "inquiry": inquiry,
            "messages_": selectors.thread(inquiry=inquiry),
            "reply_form": reply_form,
            "quotation_form": quotation_form,
            "outcome_form": OutcomeForm(),
            "templates": templates,
            "may_answer": may_answer,
            "Delivery": Delivery,
        },
        status=status,
    )


@seller_required
@require_safe
def thread(request, member, public_id):
    inquiry = _inquiry_or_404(member, public_id)
    inquiry = services.inquiry_open(inquiry=inquiry, actor=request.user)
    return _thread_page(request, member, inquiry)


@seller_required
@require_POST
def reply(request, member, public_id):
    inquiry = _inquiry_or_404(member, public_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_reply(inquiry=inquiry, actor=request.user, content=form.cleaned_data["content"])
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Your answer is on its way to the buyer."))
            return redirect("buyers:thread", public_id=inquiry.public_id)
    return _thread_page(request, member, inquiry, reply_form=form, status=400)


@seller_required
@require_POST
def quote(request, member, public_id):
    inquiry = _inquiry_or_404(member, public_id)
    form = QuotationForm(request.POST, auto_id="q_%s")
    if form.is_valid():
        try:
            terms = services.quotation_terms(**form.terms())
            services.inquiry_reply(
                inquiry=inquiry, actor=request.user, content=form.cleaned_data["content"], quotation=terms
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Your quotation is on its way to the buyer."))
            return redirect("buyers:thread", public_id=inquiry.public_id)
    return _thread_page(request, member, inquiry, quotation_form=form, status=400)


@seller_required
@require_POST
def mark(request, member, public_id):
    inquiry = _inquiry_or_404(member, public_id)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to mark the inquiry as."))
    else:
        try:
            services.inquiry_mark(
                inquiry=inquiry, actor=request.user, to=form.cleaned_data["status"], reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("buyers:thread", public_id=inquiry.public_id)


@seller_required
@require_POST
def not_spam(request, member, public_id):
    inquiry = _inquiry_or_404(member, public_id)
    try:
        services.inquiry_spam_clear(inquiry=inquiry, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("buyers:thread", public_id=inquiry.public_id)


@seller_required
@require_POST
def retry(request, member, public_id, message_id):
    inquiry = _inquiry_or_404(member, public_id)
    message = selectors.message_for_seller(seller=member.seller, public_id=message_id)
    if message is None or message.inquiry_id != inquiry.pk:
        raise Http404
    try:
        services.inquiry_reply_retry(message=message, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sending again."))
    return redirect("buyers:thread", public_id=inquiry.public_id)


@seller_required
@require_safe
def attachment(request, member, public_id, attachment_id):
    """A buyer's file, to the seller's users only; 404 to anyone else (another seller's user cannot even learn that
    it exists)."""
    found = selectors.attachment_for_seller(seller=member.seller, public_id=attachment_id)
    if found is None or found.inquiry.public_id != public_id:
        raise Http404
    return private_file_response(
        found, content_type=found.content_type, filename=found.file_name, as_attachment=True, what="attachment"
    )


# Figures ---------------------------------------------------------------------------------------------------------


@seller_required
@require_safe
def figures(request, member):
    data = selectors.figures_for_seller(seller=member.seller)
    return render(
        request,
        "buyers/figures.html",
        {
            "member": member,
            "seller": member.seller,
            "figures": data,
            "countries": [(countries.name(code) if code else "", count) for code, count in data.by_country],
            "bars": chart.bars(data.days),
            "chart_width": chart.WIDTH,
            "chart_height": chart.HEIGHT,
        },
    )


# Reply templates -------------------------------------------------------------------------------------------------


def _template_or_404(member, public_id):
    template = selectors.reply_template_for(seller=member.seller, public_id=public_id)
    if template is None:
        raise Http404
    return template


@seller_required
@require_http_methods(["GET", "POST"])
def templates(request, member, public_id=None):
    template = _template_or_404(member, public_id) if public_id else None
    initial = {"name": template.name, "body": template.body} if template else None
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply_template_save(seller=member.seller, template=template, **form.cleaned_data)
            except ApplicationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("The template is saved."))
                return redirect("buyers:templates")
        status = 400
    return render(
        request,
        "buyers/templates.html",
        {
            "member": member,
            "seller": member.seller,
            "form": form,
            "editing": template,
            "templates": selectors.reply_templates_for(seller=member.seller),
            "placeholders": placeholders.PLACEHOLDERS,
        },
        status=status,
    )


@seller_required
@require_POST
def template_delete(request, member, public_id):
    services.reply_template_delete(template=_template_or_404(member, public_id))
    messages.success(request, _("The template is deleted."))
    return redirect("buyers:templates")


# Settings --------------------------------------------------------------------------------------------------------


@seller_required
@require_http_methods(["GET", "POST"])
def settings_page(request, member):
    seller = member.seller
    week = selectors.working_week_for(seller=seller)
    week_initial = {
        "day_starts_at": week.day_starts_at if week else workhours.DEFAULT_DAY_STARTS_AT,
        "day_ends_at": week.day_ends_at if week else workhours.DEFAULT_DAY_ENDS_AT,
        "off_days": week.off_days if week else sorted(workhours.DEFAULT_OFF_DAYS),
    }
    notify = selectors.notification_settings_for(user=request.user)
    notify_initial = {
        "new_inquiry_email": notify.new_inquiry_email,
        "daily_digest_email": notify.daily_digest_email,
    }
    action = request.POST.get("action") if request.method == "POST" else None
    week_form = WorkingWeekForm(request.POST if action == "week" else None, initial=week_initial)
    holiday_form = HolidayForm(request.POST if action == "holiday" else None)
    notify_form = NotificationSettingsForm(request.POST if action == "notify" else None, initial=notify_initial)
    forms = {"week": week_form, "holiday": holiday_form, "notify": notify_form}
    if action in forms:
        form = forms[action]
        if form.is_valid():
            try:
                if action == "week":
                    services.working_week_update(seller=seller, **form.cleaned_data)
                elif action == "holiday":
                    services.holiday_add(seller=seller, day=form.cleaned_data["date"], name=form.cleaned_data["name"])
                else:
                    services.notification_settings_update(user=request.user, **form.cleaned_data)
            except ApplicationError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("buyers:settings")
    return render(
        request,
        "buyers/settings.html",
        {
            "member": member,
            "seller": seller,
            "week_form": week_form,
            "holiday_form": holiday_form,
            "notify_form": notify_form,
            "holidays": selectors.holidays_for(seller=seller),
        },
        status=400 if action in forms and forms[action].errors else 200,
    )


@seller_required
@require_POST
def holiday_remove(request, member, day):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    holiday = selectors.holidays_for(seller=member.seller).filter(date=when).first()
    if holiday is None:
        raise Http404
    services.holiday_remove(holiday=holiday)
    messages.success(request, _("The holiday is removed."))
    return redirect("buyers:settings")
