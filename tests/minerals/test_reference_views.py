import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.minerals.models import RmapStatus, Smelter
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def gold_smelter(db):
    return Smelter.objects.create(
        cid="CID001916", metal="Gold", standard_name="Shandong Gold Smelting Co., Ltd.", country="CHINA", country_code="CN"
    )


def test_internal_users_see_the_smelter_list_with_search(viewer, client_for, gold_smelter):
    page = client_for(viewer).get(reverse("minerals:smelters"), {"q": "shandong"})
    assert page.status_code == 200
    assert "CID001916" in page.content.decode()
    assert "CID001916" not in client_for(viewer).get(reverse("minerals:smelters"), {"q": "zzz"}).content.decode()


def test_supplier_users_cannot_see_the_reference_pages(supplier_a_user, client_for):
    assert client_for(supplier_a_user).get(reverse("minerals:smelters")).status_code == 404


def test_only_administrators_load_rmap_statuses(compliance, client_for, gold_smelter):
    upload = SimpleUploadedFile("rmap.csv", b"CID,Status\nCID001916,Conformant\n", content_type="text/csv")
    assert client_for(compliance).post(reverse("minerals:load_rmap"), {"file": upload}).status_code == 403
    admin = make_user("admin", username="root-admin")
    upload.seek(0)
    response = client_for(admin).post(reverse("minerals:load_rmap"), {"file": upload})
    assert response.status_code == 302
    assert RmapStatus.objects.current().get(cid="CID001916").status == "conformant"
    assert "Conformant" in client_for(admin).get(reverse("minerals:smelters")).content.decode()


def test_a_bad_rmap_file_shows_the_cells_and_stores_nothing(client_for):
    admin = make_user("admin", username="root-admin2")
    upload = SimpleUploadedFile("rmap.csv", b"CID,Status\nCID001916,Maybe\n", content_type="text/csv")
    response = client_for(admin).post(reverse("minerals:load_rmap"), {"file": upload})
    assert response.status_code == 400
    assert "row 2, column B" in response.content.decode()
    assert RmapStatus.objects.count() == 0


def test_a_template_upload_that_is_not_a_workbook_is_refused_naming_the_field(client_for):
    admin = make_user("admin", username="root-admin3")
    upload = SimpleUploadedFile("RMI_CMRT_6.5.xlsx", b"this is not a zip", content_type="application/octet-stream")
    response = client_for(admin).post(reverse("minerals:load_template"), {"file": upload})
    assert response.status_code == 400
    assert "not a .xlsx file" in response.content.decode()
    assert Smelter.objects.count() == 0
