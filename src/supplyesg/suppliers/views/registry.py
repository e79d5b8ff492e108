"""Placeholder until the real views land (work in progress)."""
from django.http import Http404


def py(request, **kwargs):
    raise Http404


def supplier_list(request, **kwargs):
    raise Http404


def dashboard(request, **kwargs):
    raise Http404


def create_supplier(request, **kwargs):
    raise Http404


def supplier_detail(request, **kwargs):
    raise Http404


def edit_supplier(request, **kwargs):
    raise Http404


def add_site(request, **kwargs):
    raise Http404


def remove_site(request, **kwargs):
    raise Http404


def add_contact(request, **kwargs):
    raise Http404


def remove_contact(request, **kwargs):
    raise Http404


def add_link(request, **kwargs):
    raise Http404


def remove_link(request, **kwargs):
    raise Http404


def decide_duplicate(request, **kwargs):
    raise Http404


def download_file(request, **kwargs):
    raise Http404
