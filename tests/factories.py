"""Plain factories with defaults. Each returns a saved instance; pass keyword arguments to override."""

import itertools
from datetime import date, timedelta

from django.core.files.base import ContentFile

from supplyesg.core.models import Role, User
from supplyesg.suppliers.models import (
    AgreementType,
    BlacklistEntry,
    Category,
    Contact,
    Document,
    DocumentRule,
    Site,
    Supplier,
)

_seq = itertools.count(1)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_user(role=Role.COMPLIANCE, supplier=None, **kwargs) -> User:
    n = next(_seq)
    kwargs.setdefault("username", f"{role}-{n}")
    kwargs.setdefault("email", f"{kwargs['username']}@example.com")
    password = kwargs.pop("password", "pw-Secret-123")
    user = User(role=role, supplier=supplier, **kwargs)
    user.set_password(password)
    user.save()
    return user


def make_category(**kwargs) -> Category:
    n = next(_seq)
    kwargs.setdefault("code", f"cat-{n}")
    kwargs.setdefault("name", f"Category {n}")
    return Category.objects.create(**kwargs)


def make_supplier(categories=(), **kwargs) -> Supplier:
    n = next(_seq)
    kwargs.setdefault("code", f"T{n:06d}")
    kwargs.setdefault("legal_name", f"Test Supplier {n} Co., Ltd.")
    kwargs.setdefault("country", "CN")
    supplier = Supplier.objects.create(**kwargs)
    if categories:
        supplier.categories.set(categories)
    return supplier


def make_site(supplier, **kwargs) -> Site:
    kwargs.setdefault("name", "Main factory")
    kwargs.setdefault("country", supplier.country)
    return Site.objects.create(supplier=supplier, **kwargs)


def make_contact(supplier, **kwargs) -> Contact:
    kwargs.setdefault("name", "Li Wei")
    kwargs.setdefault("email", "li.wei@example.com")
    return Contact.objects.create(supplier=supplier, **kwargs)


def make_document(supplier, **kwargs) -> Document:
    kwargs.setdefault("doc_type", "licence")
    kwargs.setdefault("title", "Business licence")
    kwargs.setdefault("issue_date", date.today() - timedelta(days=30))
    kwargs.setdefault("expiry_date", date.today() + timedelta(days=335))
    content = kwargs.pop("content", PDF_BYTES)
    document = Document(supplier=supplier, **kwargs)
    document.file.save("licence.pdf", ContentFile(content), save=False)
    document.original_name = "licence.pdf"
    document.save()
    return document


def make_document_rule(category, **kwargs) -> DocumentRule:
    kwargs.setdefault("doc_type", "rohs")
    return DocumentRule.objects.create(category=category, **kwargs)


def make_agreement_type(**kwargs) -> AgreementType:
    n = next(_seq)
    kwargs.setdefault("code", f"agreement-{n}")
    kwargs.setdefault("name", f"Agreement {n}")
    kwargs.setdefault("body", "The supplier agrees to the code of conduct.")
    return AgreementType.objects.create(**kwargs)


def make_blacklist_entry(supplier, **kwargs) -> BlacklistEntry:
    kwargs.setdefault("legal_name", supplier.legal_name)
    kwargs.setdefault("registration_id", supplier.registration_id)
    kwargs.setdefault("country", supplier.country)
    kwargs.setdefault("reason", BlacklistEntry.Reason.COUNTERFEIT)
    kwargs.setdefault("details", "Counterfeit chips found in incoming inspection.")
    kwargs.setdefault("permanent", True)
    entry = BlacklistEntry.objects.create(supplier=supplier, **kwargs)
    Supplier.objects.filter(pk=supplier.pk).update(status=Supplier.Status.BLACKLISTED)
    supplier.refresh_from_db()
    return entry


def pdf_upload(name="evidence.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_grievance(channel_key="supplier-workers", **kwargs):
    """A report submitted through the intake service; returns (report, receipt)."""
    from supplyesg.grievances.defaults import load_default_channels
    from supplyesg.grievances.models import Channel
    from supplyesg.grievances.services.intake import submit_report

    load_default_channels()  # a transactional test starts from an emptied database

    kwargs.setdefault("topic", "wages_hours")
    kwargs.setdefault("subject", "Unpaid overtime")
    kwargs.setdefault("description", "Line 3 works 80 hours a week and overtime is not paid.")
    submitted = submit_report(channel=Channel.objects.get(key=channel_key), **kwargs)
    return submitted.report, submitted.receipt


def make_designation(user, kind="handler", channel_key="supplier-workers"):
    from supplyesg.grievances.defaults import load_default_channels
    from supplyesg.grievances.models import Channel, Designation

    load_default_channels()
    channel = Channel.objects.get(key=channel_key) if kind == "handler" else None
    return Designation.objects.create(user=user, kind=kind, channel=channel)
