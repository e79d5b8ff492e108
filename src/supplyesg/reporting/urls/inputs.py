"""Reporting pages: the inputs part (included by reporting/urls/__init__.py)."""

urlpatterns = []
