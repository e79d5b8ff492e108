"""Placeholder until the real views land (work in progress)."""
from django.http import Http404


def home(request, **kwargs):
    raise Http404


def profile(request, **kwargs):
    raise Http404


def documents(request, **kwargs):
    raise Http404


def agreements(request, **kwargs):
    raise Http404


def sign_agreement(request, **kwargs):
    raise Http404


def qualification_evidence(request, **kwargs):
    raise Http404
