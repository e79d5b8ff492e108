"""Placeholder until the real views land (work in progress)."""
from django.http import Http404


def py(request, **kwargs):
    raise Http404


def import_suppliers(request, **kwargs):
    raise Http404


def import_template(request, **kwargs):
    raise Http404


def export_suppliers(request, **kwargs):
    raise Http404
