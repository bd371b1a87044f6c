"""Real files for upload tests, built in memory: good ones and the bad ones the issue lists."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def pdf_bytes(pages=1):
    body = b"".join(b"%d 0 obj<</Type/Page>>endobj\n" % (n + 3) for n in range(pages))
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def image_bytes(fmt="PNG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 106, 78)).save(buffer, format=fmt)
    return buffer.getvalue()


def elf_bytes():
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 2000


def truncated_png():
    data = image_bytes("PNG", size=(400, 300))
    return data[: len(data) // 2]


def six_mb_scan():
    return b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"\n%%EOF\n"


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def good_pdf(name="licence.pdf"):
    return upload(name, pdf_bytes())
