"""Import, import template and export pages: who may use them, the preview-then-confirm flow, bad files."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import DuplicateDecision, Supplier
from tests.factories import PDF_BYTES, make_supplier
from tests.hostile_workbooks import corpus

IMPORT = reverse("suppliers:import")
TEMPLATE = reverse("suppliers:import_template")
EXPORT = reverse("suppliers:export")


def workbook_upload(rows, name="suppliers.xlsx", header=("legal_name", "country", "tier", "registration_id")):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = Workbook()
    workbook.active.title = "Suppliers"
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("url", [IMPORT, TEMPLATE, EXPORT])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


@pytest.mark.parametrize("url", [IMPORT, TEMPLATE, EXPORT])
def test_supplier_users_do_not_see_the_internal_pages(client_for, supplier_a_user, supplier_b_user, url):
    assert client_for(supplier_a_user).get(url).status_code == 404
    assert client_for(supplier_b_user).get(url).status_code == 404


def test_supplier_users_cannot_post_an_import(client_for, supplier_a_user):
    response = client_for(supplier_a_user).post(IMPORT, {"file": workbook_upload([("Gamma Co", "CN", 1, "")])})
    assert response.status_code == 404 and Supplier.objects.count() == 1


@pytest.mark.parametrize("persona", ["viewer", "auditor"])
def test_read_only_roles_cannot_import(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(IMPORT).status_code == 403
    response = client.post(IMPORT, {"file": workbook_upload([("Gamma Co", "CN", 1, "")])})
    assert response.status_code == 403 and not Supplier.objects.exists()


@pytest.mark.parametrize("url", [TEMPLATE, EXPORT])
def test_read_only_roles_may_download_the_template_and_the_export(client_for, viewer, url):
    response = client_for(viewer).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_procurement_sees_the_upload_form(client_for, procurement):
    response = client_for(procurement).get(IMPORT)
    assert response.status_code == 200 and b'type="file"' in response.content and "法定名称" in response.content.decode()


# ---------------------------------------------------------------- preview and confirm


def test_a_checked_file_is_previewed_then_imported_with_its_audit_rows(client_for, compliance):
    client = client_for(compliance)
    rows = [("Gamma Cable Co., Ltd.", "CN", 1, ""), ("Delta Tin Sdn. Bhd.", "MY", 3, "")]
    preview = client.post(IMPORT, {"file": workbook_upload(rows)})
    assert preview.status_code == 200 and not Supplier.objects.exists()
    assert preview.context["result"].created == 2
    token = preview.context["confirm_form"]["token"].value()
    response = client.post(IMPORT, {"token": token})
    assert response.status_code == 302 and response["Location"] == reverse("suppliers:list")
    assert sorted(Supplier.objects.values_list("legal_name", flat=True)) == ["Delta Tin Sdn. Bhd.", "Gamma Cable Co., Ltd."]
    assert AuditEvent.objects.filter(action="supplier.created", actor=compliance).count() == 2
    assert client.post(IMPORT, {"token": token}).status_code == 302  # the file is gone: a second confirm does nothing
    assert Supplier.objects.count() == 2


@pytest.mark.parametrize("name", ["suppliers.csv", "suppliers.txt"])
def test_excels_unicode_text_upload_is_previewed_like_a_csv(client_for, compliance, name):
    text = "legal_name\tlocal_name\tcountry\ttier\r\nGamma Cable Co., Ltd.\t伽马线缆\tCN\t1\r\n"
    preview = client_for(compliance).post(IMPORT, {"file": upload(name, b"\xff\xfe" + text.encode("utf-16-le"))})
    assert preview.status_code == 200 and preview.context["result"].errors == []
    assert preview.context["result"].created == 1


def test_a_file_with_errors_shows_every_cell_and_changes_nothing(client_for, compliance, supplier_a):
    before = AuditEvent.objects.count()
    response = client_for(compliance).post(IMPORT, {"file": workbook_upload([
        ("Gamma Cable Co., Ltd.", "CN", 1, ""), ("Delta Co", "Atlantis", 1, ""), ("Epsilon Co", "CN", 7, "")])})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'Suppliers!B3: country &quot;Atlantis&quot; is not an ISO 3166 country' in page
    assert 'Suppliers!C4: tier &quot;7&quot; must be 1, 2 or 3' in page
    assert response.context["confirm_form"] is None
    assert Supplier.objects.count() == 1 and AuditEvent.objects.count() == before


def test_possible_duplicates_need_the_confirmation_box(client_for, compliance, supplier_a):
    client = client_for(compliance)
    preview = client.post(IMPORT, {"file": workbook_upload([("Alpha Cable Company Limited", "CN", 1, "")])})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert f"possible duplicate of {supplier_a.code}" in page and 'name="confirm_different"' in page
    token = preview.context["confirm_form"]["token"].value()
    refused = client.post(IMPORT, {"token": token})
    assert refused.status_code == 400 and Supplier.objects.count() == 1
    assert "confirm that they are different companies" in refused.content.decode()
    accepted = client.post(IMPORT, {"token": token, "confirm_different": "on"})
    assert accepted.status_code == 302 and Supplier.objects.count() == 2
    assert DuplicateDecision.objects.get().verdict == DuplicateDecision.Verdict.DIFFERENT
    assert AuditEvent.objects.filter(action="duplicate.decided").count() == 2


def test_a_token_from_another_session_imports_nothing(client_for, compliance, procurement):
    preview = client_for(compliance).post(IMPORT, {"file": workbook_upload([("Gamma Cable Co., Ltd.", "CN", 1, "")])})
    token = preview.context["confirm_form"]["token"].value()
    response = client_for(procurement).post(IMPORT, {"token": token}, follow=True)
    assert response.redirect_chain[0] == (IMPORT, 302)
    assert "no longer available" in response.content.decode() and not Supplier.objects.exists()


def test_a_forged_token_imports_nothing(client_for, compliance):
    response = client_for(compliance).post(IMPORT, {"token": "../../etc/passwd"})
    assert response.status_code == 302 and not Supplier.objects.exists()


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize("name, content, message", [
    ("suppliers.xlsx", b"PK\x03\x04 not really a workbook", "is not a .xlsx file"),
    ("suppliers.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a .csv file"),
    ("suppliers.pdf", PDF_BYTES, "files of type .pdf are not accepted"),
    ("suppliers.csv", b"", "The submitted file is empty."),
])
def test_a_malformed_or_mismatched_file_gets_a_clear_error(client_for, compliance, name, content, message):
    response = client_for(compliance).post(IMPORT, {"file": upload(name, content)})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_damaged_workbook_with_a_valid_zip_gets_a_clear_error(client_for, compliance):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
        archive.writestr("[Content_Types].xml", "<Types/>")
    response = client_for(compliance).post(IMPORT, {"file": upload("suppliers.xlsx", buffer.getvalue())})
    assert response.status_code == 400 and "not a readable .xlsx workbook" in response.content.decode()


def test_an_oversized_file_is_refused(client_for, compliance, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = client_for(compliance).post(IMPORT, {"file": upload("suppliers.csv", b"legal_name,country,tier\n" * 100)})
    assert response.status_code == 400 and "the limit is" in response.content.decode()


def test_a_file_with_too_many_rows_is_refused(client_for, compliance):
    content = ("legal_name,country,tier\n" + "Gamma Co,CN,1\n" * 20_001).encode()
    response = client_for(compliance).post(IMPORT, {"file": upload("suppliers.csv", content)})
    assert response.status_code == 400 and "more than 20,000 rows" in response.content.decode()


# ---------------------------------------------------------------- export and template


def test_the_csv_export_follows_the_list_filters_and_escapes_formulas(client_for, viewer):
    make_supplier(legal_name="=HYPERLINK(\"http://evil.example\")", status=Supplier.Status.ACTIVE)
    make_supplier(legal_name="Quiet Prospect Co", status=Supplier.Status.PROSPECT)
    response = client_for(viewer).get(EXPORT, {"format": "csv", "status": "active"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"")"' in content and "Quiet Prospect" not in content
    assert content.splitlines()[0].endswith(",status")


def test_the_xlsx_export_is_a_workbook_of_the_filtered_suppliers(client_for, compliance):
    make_supplier(legal_name="Kept Co", country="VN", tier=2)
    make_supplier(legal_name="Dropped Co", country="VN", tier=1)
    response = client_for(compliance).get(EXPORT, {"tier": "2", "q": "kept"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Kept Co"]


def test_an_unknown_export_format_is_refused_with_a_message(client_for, compliance):
    response = client_for(compliance).get(EXPORT, {"format": "pdf"}, follow=True)
    assert response.redirect_chain[0][1] == 302 and "format: choose xlsx or csv." in response.content.decode()


def test_the_template_is_an_xlsx_workbook(client_for, procurement):
    response = client_for(procurement).get(TEMPLATE)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames[0] == "Suppliers"


# ---------------------------------------------------------------- large imports run in the background


def test_a_large_import_is_written_by_the_background_worker_with_progress(compliance, client_for, settings,
                                                                          django_capture_on_commit_callbacks):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from supplyesg.core.models import Job
    from supplyesg.suppliers.models import Supplier

    settings.IMPORT_INLINE_ROWS = 2
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["legal_name", "country", "tier"])
    for n, country in enumerate(["DE", "VN", "MX", "TH"]):
        writer.writerow([f"Background Import Test {n} GmbH", country, 1])
    upload = SimpleUploadedFile("suppliers.csv", buffer.getvalue().encode(), content_type="text/csv")
    client = client_for(compliance)
    preview = client.post("/suppliers/import/", {"file": upload})
    assert preview.status_code == 200
    token = preview.context["confirm_form"].initial["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/suppliers/import/", {"token": token})
    job = Job.objects.get(kind="supplier_import")
    assert response.status_code == 302 and response["Location"] == f"/suppliers/import/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.total == 4 and job.percent == 100
    assert Supplier.objects.filter(legal_name__startswith="Background Import Test").count() == 4
    page = client.get(response["Location"])
    assert "4 created" in page.content.decode()


# ---------------------------------------------------------------- hostile workbooks


HOSTILE_MESSAGES = {
    "count_bomb": "declares 4294967295 entries",
    "far_cell": "more than 100 columns",
    "near_guard_in_five_sheets": "more than 100 columns",
    "lying_dimension": "more than 100 columns",
    "macros": "contains macros",
    "truncated": "is not a .xlsx file",
    "zip_bomb": "would expand to",
    "entity_bomb": "DTD",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_MESSAGES))
def test_the_supplier_import_refuses_each_hostile_workbook_and_keeps_answering(client_for, compliance, name):
    data, _phrase = corpus()[name]
    before = Supplier.objects.count()
    response = client_for(compliance).post(IMPORT, {"file": upload("suppliers.xlsx", data)})
    assert response.status_code == 400
    assert HOSTILE_MESSAGES[name] in response.content.decode()
    assert Supplier.objects.count() == before
    assert client_for(compliance).get(IMPORT).status_code == 200
