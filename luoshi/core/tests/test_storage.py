"""Evidence in S3-compatible object storage (LUOSHI_STORAGE_URL), against a local S3 server.

The server is moto's, started by the test on a free port of this machine. Files go to the bucket,
never to the local disk, and come back only through the permission-checked evidence view.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

from luoshi.conftest import client_for
from luoshi.items.models import Evidence, Status
from luoshi.items.tests.factories import ItemFactory
from luoshi.settings import object_storage

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "luoshi-evidence"
REGION = "cn-north-1"
ACCESS_KEY = "luoshi-test"
SECRET_KEY = "test/secret+key"  # "/" and "+" must be percent-encoded in the URL
STARTUP_SECONDS = 120  # a busy machine is slow, not broken


class TestTheUrl:
    def test_everything_in_the_url(self):
        storage = object_storage(
            "s3://AKID:s3cr%2Ft%2Bkey@evidence-bucket/zhashui/files"
            "?endpoint=http://10.0.0.9:9000&region=cn-north-1",
            env={},
        )
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        options = storage["OPTIONS"]
        assert options["bucket_name"] == "evidence-bucket"
        assert options["location"] == "zhashui/files"
        assert options["access_key"] == "AKID"
        assert options["secret_key"] == "s3cr/t+key"
        assert options["endpoint_url"] == "http://10.0.0.9:9000"
        assert options["region_name"] == "cn-north-1"
        assert options["addressing_style"] == "path"  # what MinIO and Ceph expect
        assert options["default_acl"] is None  # the bucket's own, private
        assert options["querystring_auth"] is True  # no public URL, ever

    def test_keys_from_their_own_variables(self):
        options = object_storage(
            "s3://evidence-bucket?endpoint=https://oss-cn-beijing.aliyuncs.com&addressing=virtual",
            env={"LUOSHI_STORAGE_ACCESS_KEY": "AKID", "LUOSHI_STORAGE_SECRET_KEY": "secret"},
        )["OPTIONS"]
        assert (options["access_key"], options["secret_key"]) == ("AKID", "secret")
        assert options["location"] == ""
        assert options["addressing_style"] == "virtual"
        assert "region_name" not in options

    def test_no_keys_leaves_them_to_boto3(self):
        options = object_storage("s3://evidence-bucket", env={})["OPTIONS"]
        assert "access_key" not in options and "endpoint_url" not in options

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("http://minio:9000/evidence", "格式"),
            ("s3://AKID:secret@/prefix", "格式"),
            ("s3://AKID:secret@bucket?endpoint_url=http://10.0.0.9:9000", "endpoint_url"),
            ("s3://AKID:secret@bucket?endpoint=10.0.0.9:9000", "endpoint"),
            ("s3://AKID:secret@bucket?addressing=dns", "addressing"),
            ("s3://AKID@bucket", "SECRET_KEY"),
        ],
        ids=["scheme", "no-bucket", "unknown-option", "endpoint-without-scheme", "addressing", "half-a-key"],
    )
    def test_a_wrong_url_is_refused_with_a_reason(self, url, message):
        with pytest.raises(ImproperlyConfigured, match=message):
            object_storage(url, env={})


def settings_in_a_new_process(tmp_path: Path, **env: str) -> str:
    """What `django.setup()` makes of the environment, seen from a fresh process."""
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages; s = storages['default']\n"
        "print(type(s).__name__, getattr(s, 'bucket_name', '-'), getattr(s, 'endpoint_url', '-'))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LUOSHI_", "AWS_")) and k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_the_environment_chooses_the_storage(tmp_path):
    assert settings_in_a_new_process(tmp_path).startswith("FileSystemStorage")
    url = "s3://AKID:secret@evidence-bucket?endpoint=http://127.0.0.1:9000"
    assert (
        settings_in_a_new_process(tmp_path, LUOSHI_STORAGE_URL=url)
        == "S3Storage evidence-bucket http://127.0.0.1:9000"
    )


# ---------------------------------------------------------------------------------------------
# Against a local S3 server


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3 server on a free port, with an empty private bucket, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    # start() waits for the server without a limit; a server that cannot start should fail the test.
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(timeout=STARTUP_SECONDS)
    if starter.is_alive():
        pytest.fail(f"the local S3 server did not start within {STARTUP_SECONDS} s")
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket_client(endpoint).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    yield endpoint
    server.stop()


def bucket_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(connect_timeout=60, read_timeout=120, retries={"max_attempts": 5}),
    )


@pytest.fixture
def object_storage_on(s3_endpoint: str, settings: Any) -> Any:
    """The default storage as LUOSHI_STORAGE_URL would configure it, pointing at the local server."""
    url = f"s3://{ACCESS_KEY}:test%2Fsecret%2Bkey@{BUCKET}/zhashui?endpoint={s3_endpoint}&region={REGION}"
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(url, env={})}
    assert default_storage.bucket_name == BUCKET  # the storage follows the settings change
    return bucket_client(s3_endpoint)


def photo_upload(name: str = "现场.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.mark.slow
@pytest.mark.django_db
def test_evidence_goes_to_the_bucket_and_back_only_through_the_permission_check(
    object_storage_on,
    settings,
    zhashui,
    fagaiju,
    fagaiju_reporter,
    supervisor,
    yingpan_reporter,
    zhenan_supervisor,
):
    item = ItemFactory(
        region=zhashui, lead_unit=fagaiju, status=Status.ACCEPTED, accepted_on=date(2023, 7, 4)
    )
    upload = photo_upload()
    sent = upload.read()
    upload.seek(0)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    response = client_for(fagaiju_reporter).post(
        f"/items/{item.pk}/report/",
        {
            "period_start": "2023-07-01",
            "done": "完成用地预审",
            "percent": "40",
            "confidence": "green",
            "evidence": [upload, SimpleUploadedFile("批复.pdf", pdf)],
        },
        follow=True,
    )
    assert "进度已报送" in response.content.decode()
    image, document = Evidence.objects.filter(report__item=item).order_by("pk")

    # In the bucket, under the prefix, by their random names; nothing on this machine's disk.
    keys = {o["Key"] for o in object_storage_on.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {f"zhashui/{e.name}" for e in (image.file, image.thumbnail, document.file)} <= keys
    stored = object_storage_on.get_object(Bucket=BUCKET, Key=f"zhashui/{image.file.name}")
    assert stored["Body"].read() == sent
    uploads = Path(settings.MEDIA_ROOT)
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))
    # Private: the bucket grants nothing to everyone.
    grants = object_storage_on.get_object_acl(Bucket=BUCKET, Key=f"zhashui/{image.file.name}")["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("/global/AllUsers")]

    # Back through the app, to those who see the item, streamed by the app itself (no redirect).
    office = client_for(supervisor)
    shown = office.get(f"/evidence/{image.pk}/")
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/jpeg" and "inline" in shown["Content-Disposition"]
    assert b"".join(shown.streaming_content) == sent
    thumb = office.get(f"/evidence/{image.pk}/thumb/")
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as small:
        assert max(small.size) <= 360
    own = client_for(fagaiju_reporter).get(f"/evidence/{document.pk}/")
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content) == pdf

    # Refused to a unit of the same county that has nothing to do with the item, and to another county.
    for stranger in (yingpan_reporter, zhenan_supervisor):
        client = client_for(stranger)
        assert client.get(f"/evidence/{image.pk}/").status_code == 404
        assert client.get(f"/evidence/{image.pk}/thumb/").status_code == 404
        assert client.get(f"/evidence/{document.pk}/").status_code == 404
