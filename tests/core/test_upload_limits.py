"""Request bodies are refused with 413 before a view reads them, and counted while they stream in."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from supplyesg.core.uploads import BodyLimitUploadHandler, UploadTooLarge
from supplyesg.suppliers.models import Supplier

MB = 1024 * 1024


def test_a_body_over_the_limit_is_refused_with_a_413_page(client_for, compliance, settings):
    settings.MAX_UPLOAD_BYTES = 1 * MB
    response = client_for(compliance).post(
        reverse("suppliers:import"), {"file": SimpleUploadedFile("suppliers.csv", b"x" * (3 * MB))}
    )
    assert response.status_code == 413
    assert "the limit is 1 MB per file" in response.content.decode()
    assert not Supplier.objects.exists()


def test_the_api_answers_413_in_its_error_shape(client_for, compliance, settings):
    settings.MAX_UPLOAD_BYTES = 1 * MB
    response = client_for(compliance).post(
        "/api/minerals/requests/1/submissions", {"file": SimpleUploadedFile("cmrt.xlsx", b"x" * (3 * MB))}
    )
    assert response.status_code == 413
    assert set(response.json()) == {"detail", "errors"}


def test_the_bulk_page_has_its_own_larger_limit(client_for, compliance, settings):
    settings.MAX_UPLOAD_BYTES = 1 * MB
    settings.MAX_BULK_UPLOAD_BYTES = 8 * MB
    response = client_for(compliance).post(
        reverse("minerals:bulk_upload", args=[999]), {"file": SimpleUploadedFile("cmrts.zip", b"x" * (3 * MB))}
    )
    assert response.status_code == 404  # read and routed (no such campaign), not refused for its size


def test_the_upload_handler_stops_counting_at_the_limit_whatever_the_announced_length():
    request = RequestFactory().post("/")
    request.body_limit = 1 * MB
    handler = BodyLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 0, b"boundary")  # a length the client did not announce
    handler.receive_data_chunk(b"x" * (MB // 2), 0)
    try:
        handler.receive_data_chunk(b"x" * MB, MB // 2)
    except UploadTooLarge:
        stopped = True
    else:
        stopped = False
    assert stopped
