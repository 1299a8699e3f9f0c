"""Zip and XML bombs sent as a .docx to import (issue 13): refused before they are inflated, with
memory that stays flat, and as a form error or a 400, never a 500.

The bombs are built with ``zipfile`` directly, streaming, so the tests themselves stay small: the
gigabyte one is 1 MB on disk and is built once per session (in about 4 s)."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from govbrief.core.limits import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_MEMBERS, DOCX_MAX_TOTAL_BYTES
from govbrief.reports.docx_import import _BoundedReader, import_docx
from govbrief.reports.models import Report

DOCUMENT = "word/document.xml"
PROLOG = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
EPILOG = "<w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>".encode()
MB = 1024 * 1024
PEAK_BUDGET = 30 * MB


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bomb.docx", data, content_type=DOCX_TYPE)


def refusal_code(data: bytes) -> str:
    with pytest.raises(ValidationError) as exc:
        import_docx(upload(data))
    return exc.value.code


def real_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于春耕生产情况的报告")
    document.add_paragraph("一、基本情况")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def docx_with(document_bytes: int = 0, *, extra: dict[str, int] | None = None, members: int = 0) -> bytes:
    """A real .docx whose word/document.xml is replaced by ``document_bytes`` of whitespace (valid XML
    between elements, so a parser would have to read it all), plus ``extra`` parts of NUL bytes and
    ``members`` empty parts; everything written in 1 MB chunks."""
    chunk = b" " * MB
    out = io.BytesIO()
    with (zipfile.ZipFile(io.BytesIO(real_docx())) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z):
        for info in source.infolist():
            if info.filename != DOCUMENT:
                z.writestr(info.filename, source.read(info))
        with z.open(DOCUMENT, "w", force_zip64=True) as member:
            member.write(PROLOG)
            for _ in range(document_bytes // MB):
                member.write(chunk)
            member.write(b" " * (document_bytes % MB) + EPILOG)
        for name, size in (extra or {}).items():
            with z.open(name, "w", force_zip64=True) as member:
                for _ in range(size // MB):
                    member.write(b"\0" * MB)
        for n in range(members):
            z.writestr(f"word/parts/part{n}.xml", b"")
    return out.getvalue()


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for ``name``."""
    data = bytearray(data)
    at = data.rfind(b"PK\x01\x02")  # the directory is at the end: search back from there
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + name_len] == name.encode():
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.rfind(b"PK\x01\x02", 0, at)
    raise AssertionError(f"{name} is not in the directory")


# Session-scoped: pytest-django runs database tests first, which would build a module-scoped one twice.
@pytest.fixture(scope="session")
def gigabyte_bomb() -> bytes:
    """The issue's case: a 1 MB .docx whose document.xml inflates to 1 GB."""
    return docx_with(1024 * MB)


@pytest.fixture(scope="session")
def bombs(gigabyte_bomb) -> dict[str, tuple[bytes, str]]:
    """Each way in, with the code it must be refused with."""
    return {
        "a part over the member limit": (gigabyte_bomb, "docx_too_large"),
        # The directory claims 900 KB (under every limit, too small for the ratio check); the data
        # still inflates to 1 GB. Reading must stop at what was declared or at the member limit.
        "a directory that lies": (lie_about_size(gigabyte_bomb, DOCUMENT, 900_000), "docx_invalid"),
        "a part compressed 1,000 to 1": (docx_with(10 * MB), "docx_too_large"),
        "parts that add up": (docx_with(extra={f"word/media/image{n}.png": 16 * MB for n in range(4)}),
                              "docx_too_large"),
        "too many parts": (docx_with(members=DOCX_MAX_MEMBERS), "docx_too_large"),
    }


# ---------------------------------------------------------------- the directory is checked first


def test_bombs_are_refused_with_flat_memory(bombs):
    uploads = {case: (upload(data), code) for case, (data, code) in bombs.items()}
    tracemalloc.start()
    try:
        codes = {}
        for case, (uploaded, _code) in uploads.items():
            with pytest.raises(ValidationError) as exc:
                import_docx(uploaded)
            codes[case] = exc.value.code
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert codes == {case: code for case, (_data, code) in bombs.items()}
    assert peak < PEAK_BUDGET, f"peak {peak / MB:.1f} MB"


def test_several_bombs_at_once_keep_memory_flat(gigabyte_bomb):
    """Four uploads of the gigabyte bomb in parallel threads, as four people (or one attacker) at once."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(_):
        with pytest.raises(ValidationError) as exc:
            import_docx(upload(gigabyte_bomb))
        return exc.value.code

    tracemalloc.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            codes = list(pool.map(attempt, range(4)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert codes == ["docx_too_large"] * 4
    assert peak < PEAK_BUDGET, f"peak {peak / MB:.1f} MB"


def test_gigabyte_document_is_refused_before_it_is_inflated(gigabyte_bomb):
    assert len(gigabyte_bomb) < 2 * MB
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc:
        import_docx(upload(gigabyte_bomb))
    assert time.perf_counter() - started < 0.5
    assert exc.value.code == "docx_too_large"
    assert "1.0" in exc.value.messages[0] and "20.0" in exc.value.messages[0]  # what it claims, and the limit


def test_lying_directory_is_not_trusted(bombs):
    data, code = bombs["a directory that lies"]
    started = time.perf_counter()
    assert refusal_code(data) == code
    assert time.perf_counter() - started < 0.5  # the gigabyte was never inflated


def test_total_is_checked_even_when_each_part_is_under_the_limit(bombs):
    data, _code = bombs["parts that add up"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sizes = [info.file_size for info in z.infolist()]
    assert max(sizes) <= DOCX_MAX_MEMBER_BYTES < DOCX_MAX_TOTAL_BYTES < sum(sizes)
    assert refusal_code(data) == "docx_too_large"


def test_member_count_is_checked_again_when_the_end_record_understates_it():
    data = bytearray(docx_with(members=DOCX_MAX_MEMBERS))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 10, 10)  # entries on this disk, entries in total
    assert refusal_code(bytes(data)) == "docx_too_large"


def test_a_normal_docx_with_many_small_parts_is_read():
    assert import_docx(upload(docx_with(members=DOCX_MAX_MEMBERS // 2))).title == "正文"


def test_inflated_bytes_are_counted_not_taken_from_the_directory():
    reader = _BoundedReader(io.BytesIO(b" " * 1_000), limit=999)
    assert len(reader.read(999)) == 999
    with pytest.raises(ValidationError) as exc:
        reader.read(10)
    assert exc.value.code == "docx_too_large"


# ---------------------------------------------------------------- XML bombs


def package(document_xml: bytes, core_xml: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real_docx())) as source, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            if info.filename == DOCUMENT:
                z.writestr(info.filename, document_xml)
            elif info.filename == "docProps/core.xml" and core_xml is not None:
                z.writestr(info.filename, core_xml)
            else:
                z.writestr(info.filename, source.read(info))
    return buf.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document ['
    b'<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
    b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
    b'<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
)


@pytest.mark.parametrize("doctype, entity", [
    (BILLION_LAUGHS, b"&i;"),
    # Harmless, and still refused: Word never writes a DTD, so there is nothing to tell apart.
    (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha">]>', b"&a;"),
], ids=["billion laughs", "one small entity"])
def test_dtd_and_entities_in_the_document_are_refused(doctype, entity):
    root = PROLOG[PROLOG.index(b"<w:document"):PROLOG.index(b"<w:body>")]
    data = package(doctype + root + b"<w:body>" + (b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % entity) * 2
                   + b"</w:body></w:document>")
    assert refusal_code(data) == "docx_invalid"


def test_external_entity_in_the_core_properties_is_refused():
    core = (b'<?xml version="1.0"?><!DOCTYPE cp:coreProperties [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&x;</dc:title></cp:coreProperties>')
    assert refusal_code(package(real_docx_document(), core)) == "docx_invalid"


def test_undeclared_entity_is_refused():
    data = package(PROLOG + b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
    assert refusal_code(data) == "docx_invalid"


def test_endlessly_nested_xml_is_refused():
    data = package(PROLOG + b"<w:sdt>" * 10_000 + b"</w:sdt>" * 10_000 + EPILOG)
    assert refusal_code(data) == "docx_invalid"


def real_docx_document() -> bytes:
    with zipfile.ZipFile(io.BytesIO(real_docx())) as z:
        return z.read(DOCUMENT)


# ---------------------------------------------------------------- the ways in


@pytest.mark.django_db
def test_import_page_shows_a_bomb_as_a_form_error(client, world, gigabyte_bomb):
    client.force_login(world.county_informant)
    response = client.post(reverse("reports:import"), {"file": upload(gigabyte_bomb), "kind": "news"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["docx_too_large"]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_import_api_answers_a_bomb_with_a_400(world, gigabyte_bomb):
    client = APIClient()
    client.force_authenticate(user=world.township_informant)
    response = client.post("/api/reports/import-docx/", {"file": upload(gigabyte_bomb), "kind": "news"},
                           format="multipart")
    assert response.status_code == 400, response.content
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("file", "docx_too_large")]
    assert not Report.objects.exists()
