"""Done means: no request on the intake path writes an IP address or user agent anywhere (database, logs), and the
receipt cannot be recovered from the database."""

import hashlib
import json
import logging

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from supplyesg.grievances import crypto, keyring
from supplyesg.grievances.models import Report
from supplyesg.grievances.services.intake import find_by_receipt

pytestmark = pytest.mark.django_db

TEST_IP = "203.0.113.77"
TEST_UA = "Mozilla/5.0 (WhistleTest; UA-7f3c9e) Probe/1.0"
FORWARDED = "198.51.100.23"


def every_row_as_text() -> str:
    """Every row of every table (Django's, the sessions', the tasks' and ours), as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            for row in cursor.fetchall():
                chunks.append(
                    repr(
                        [
                            bytes(v).hex() + "|" + bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else v
                            for v in row
                        ]
                    )
                )
    return "\n".join(chunks)


def reporter() -> Client:
    return Client(REMOTE_ADDR=TEST_IP, HTTP_USER_AGENT=TEST_UA, HTTP_X_FORWARDED_FOR=FORWARDED)


def receipt_from(response) -> str:
    html = response.content.decode()
    start = html.index("data-receipt>") + len("data-receipt>")
    return crypto.normalise_receipt(html[start : html.index("<", start)])


def test_no_request_on_the_intake_path_writes_the_address_or_user_agent_to_the_database_or_the_logs(caplog, handler):
    caplog.set_level(logging.DEBUG)
    client = reporter()
    assert client.get("/grievance/").status_code == 200
    photo = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    response = client.post(
        "/grievance/",
        {
            "channel": "supplier-workers",
            "topic": "forced_labour",
            "description": "Passports are kept by the dormitory manager.",
            "country": "MY",
            "name": "Ana",
            "contact": "signal: +60 12 345",
            "files": [photo],
        },
    )
    assert response.status_code == 200
    receipt = receipt_from(response)
    assert client.get("/grievance/follow/").status_code == 200
    assert client.post("/grievance/follow/", {"receipt": receipt}).status_code == 200
    assert client.post("/grievance/follow/", {"receipt": receipt, "text": "They also keep our phones."}).status_code == 200
    assert client.post("/grievance/follow/", {"receipt": "0000 0000 0000 0000"}).status_code == 200
    assert client.get("/grievance/rules/supplier-workers/").status_code == 200
    answer = client.post(
        "/api/grievances/intake",
        json.dumps({"channel": "communities", "topic": "environment", "description": "The river turns red at night."}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    api_receipt = answer.json()["receipt"]
    assert (
        client.post("/api/grievances/follow", json.dumps({"receipt": api_receipt}), content_type="application/json").status_code
        == 200
    )
    assert (
        client.post(
            "/api/grievances/follow/messages",
            json.dumps({"receipt": api_receipt, "text": "Photos follow."}),
            content_type="application/json",
        ).status_code
        == 201
    )
    assert client.post("/api/grievances/intake", "{not json", content_type="application/json").status_code in (400, 422)

    stored = every_row_as_text()
    logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    for secret in (TEST_IP, TEST_UA, "WhistleTest", FORWARDED):
        assert secret not in stored
        assert secret not in logged
    assert Report.objects.count() == 2


def test_reports_carry_a_date_and_no_time_of_day():
    assert Report._meta.get_field("received_on").get_internal_type() == "DateField"
    timestamps = [f.name for f in Report._meta.get_fields() if getattr(f, "get_internal_type", lambda: "")() == "DateTimeField"]
    assert timestamps == []


def test_the_receipt_is_in_no_column_and_what_is_stored_is_an_argon2id_digest_with_the_installation_salt():
    client = reporter()
    response = client.post("/grievance/", {"channel": "own-staff", "topic": "harassment", "description": "My supervisor shouts."})
    receipt = receipt_from(response)
    assert len(receipt) == 16 and receipt.isdigit()
    stored = every_row_as_text()
    assert receipt not in stored
    assert crypto.format_receipt(receipt) not in stored
    report = Report.objects.get()
    # Not the receipt, not a fast hash of it: only the memory-hard digest under the salt finds the report.
    assert report.receipt_digest not in (
        receipt,
        hashlib.sha256(receipt.encode()).hexdigest(),
        hashlib.md5(receipt.encode()).hexdigest(),
    )
    assert report.receipt_digest == crypto.receipt_digest(receipt, keyring.receipt_salt(), **keyring.argon2_cost())
    assert report.receipt_digest != crypto.receipt_digest(receipt, b"another-salt-123", **keyring.argon2_cost())
    assert find_by_receipt(crypto.format_receipt(receipt)) == report
    assert find_by_receipt(receipt[:-1] + str((int(receipt[-1]) + 1) % 10)) is None


def test_the_report_text_and_identity_are_ciphertext_in_the_database():
    client = reporter()
    client.post(
        "/grievance/",
        {
            "channel": "own-staff",
            "topic": "discrimination",
            "description": "Pregnant workers are dismissed.",
            "name": "Wang Fang",
            "contact": "wangfang@example.org",
        },
    )
    stored = every_row_as_text()
    for plain in ("Pregnant workers", "Wang Fang", "wangfang@example.org"):
        assert plain not in stored


def test_intake_and_follow_up_pages_forbid_caching_referrers_and_third_party_content():
    client = reporter()
    for response in (client.get("/grievance/"), client.get("/grievance/follow/"), client.get("/grievance/rules/own-staff/")):
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "script-src 'none'" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
        assert "<script" not in html
        assert response.cookies == {} or all(not c.value for c in response.cookies.values())


def test_the_form_rate_limit_counts_in_memory_and_answers_429(settings):
    settings.GRIEVANCE_REPORTS_PER_HOUR = 2
    client = reporter()
    data = {"channel": "own-staff", "topic": "other", "description": "Something"}
    assert [client.post("/grievance/", data).status_code for _ in range(3)] == [200, 200, 429]
    api = client.post("/api/grievances/intake", json.dumps({**data, "channel": "own-staff"}), content_type="application/json")
    assert api.status_code == 429
    assert Report.objects.count() == 2


def test_a_photo_loses_its_exif_and_gps_data():
    from PIL import Image

    from supplyesg.grievances.privacy import clean_file

    cleaned, content_type, removed = clean_file("IMG_0001.jpg", _jpeg_with_exif())
    assert removed and content_type == "image/jpeg"
    import io

    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif()
    assert b"Canon EOS Secret" not in cleaned


def test_an_office_file_loses_its_author():
    import io
    import zipfile

    from supplyesg.grievances.privacy import clean_file

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Li Wei</dc:creator></cp:coreProperties>")
    cleaned, _type, removed = clean_file("note.docx", buffer.getvalue())
    assert removed
    with zipfile.ZipFile(io.BytesIO(cleaned)) as z:
        assert b"Li Wei" not in z.read("docProps/core.xml")
        assert z.read("word/document.xml") == b"<w:document/>"


def test_bad_input_names_the_field_and_writes_nothing():
    client = reporter()
    response = client.post("/grievance/", {"channel": "own-staff", "topic": "", "description": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "What is it about?" in html and "What happened?" in html
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90 not a pdf", content_type="application/pdf")
    client.post("/grievance/", {"channel": "own-staff", "topic": "other", "description": "x", "files": [fake]})
    answer = client.post(
        "/api/grievances/intake",
        json.dumps({"channel": "nope", "topic": "other", "description": "x"}),
        content_type="application/json",
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "channel"
    assert Report.objects.count() == 0


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (8, 8), "blue")
    exif = Image.Exif()
    exif[0x0110] = "Canon EOS Secret"  # Model
    exif[0x8825] = {1: "N", 2: (22.0, 30.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_administrator_enabled_language_shows_the_channel_texts_in_it():
    from supplyesg.grievances.models import Channel, ChannelText

    channel = Channel.objects.get(key="supplier-workers")
    ChannelText.objects.create(
        channel=channel,
        language="vi",
        language_name="Tiếng Việt",
        title="Công nhân của nhà cung cấp",
        intro="Bạn có thể báo cáo ẩn danh.",
        description_label="Chuyện gì đã xảy ra?",
        submit_label="Gửi báo cáo",
    )
    html = reporter().get("/grievance/?lang=vi&channel=supplier-workers").content.decode()
    assert 'lang="vi"' in html and "Công nhân của nhà cung cấp" in html and "Chuyện gì đã xảy ra?" in html
    assert "Gửi báo cáo" in html and "Tiếng Việt" in reporter().get("/grievance/").content.decode()
    response = reporter().post(
        "/grievance/?lang=vi",
        {"lang": "vi", "channel": "supplier-workers", "topic": "other", "description": "Quản đốc giữ hộ chiếu."},
    )
    assert response.status_code == 200 and Report.objects.get().language == "vi"


def test_the_rules_of_procedure_are_public_and_versioned():
    from supplyesg.grievances.models import Channel, RulesOfProcedure

    channel = Channel.objects.get(key="own-staff")
    RulesOfProcedure.objects.create(channel=channel, version=2, language="en", text="Version two of the rules.")
    client = reporter()
    assert "Version two of the rules." in client.get("/grievance/rules/own-staff/").content.decode()
    first = client.get("/grievance/rules/own-staff/?version=1").content.decode()
    assert "You may report in your own name or anonymously." in first
    assert client.get("/grievance/rules/own-staff/?version=9").status_code == 404
    chinese = client.get("/grievance/rules/own-staff/?version=1&lang=zh-hans").content.decode()
    assert "您可以实名举报，也可以匿名举报" in chinese
