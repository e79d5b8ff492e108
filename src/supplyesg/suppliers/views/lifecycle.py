"""Placeholder until the real views land (work in progress)."""
from django.http import Http404


def py(request, **kwargs):
    raise Http404


def transition(request, **kwargs):
    raise Http404


def review_qualification_item(request, **kwargs):
    raise Http404


def add_certification(request, **kwargs):
    raise Http404


def upload_document(request, **kwargs):
    raise Http404


def remove_document(request, **kwargs):
    raise Http404


def record_signed_scan(request, **kwargs):
    raise Http404


def agreement_detail(request, **kwargs):
    raise Http404


def blacklist_supplier(request, **kwargs):
    raise Http404


def exit_supplier(request, **kwargs):
    raise Http404


def blacklist(request, **kwargs):
    raise Http404


def lift_blacklist(request, **kwargs):
    raise Http404


def reviews(request, **kwargs):
    raise Http404


def review_change_request(request, **kwargs):
    raise Http404
