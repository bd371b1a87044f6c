"""What the browser tests share: contexts on the live server (a viewport, a language, JavaScript on or off, a person
logged in by their session cookie), axe-core's check of a page, a page's weight over an emulated slow 3G link, and
the files a seller uploads (a phone camera's photo, scanned documents)."""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_IMPACTS = {"serious", "critical"}

# Chrome DevTools' "Slow 3G" preset: 400 ms round trip, 400 kbit/s each way (in bytes per second).
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 / 8, "uploadThroughput": 400 * 1024 / 8}
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


@dataclass
class Browser:
    """Contexts on the live server at ``base_url``; every one opened is closed with ``close()``."""

    chromium: object
    base_url: str
    contexts: list = field(default_factory=list)

    def page(self, *, viewport=PHONE, language="en", user=None, javascript=True):
        """A new page in a context of its own. ``user`` is logged in by a session cookie (the journeys that are
        about logging in go through the forms instead)."""
        context = self.chromium.new_context(
            base_url=self.base_url,
            viewport=viewport,
            java_script_enabled=javascript,
            locale="bn-BD" if language == "bn" else "en-GB",
        )
        self.contexts.append(context)
        context.set_default_timeout(15_000)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.base_url}]
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.base_url,
                }
            )
        context.add_cookies(cookies)
        page = context.new_page()
        page.errors = []  # uncaught script errors and CSP refusals, which a test expects none of
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console",
            lambda message: page.errors.append(message.text) if message.type == "error" else None,
        )
        return page

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def axe_problems(page):
    """axe-core's serious and critical violations on the page as it is, one line each (rule, impact, where)."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
    page.evaluate(f"() => {{ {AXE}\n }}")
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in AXE_IMPACTS
    ]


class SlowLink:
    """A page behind an emulated slow 3G link with its cache off: ``goto(path)`` answers the response, the bytes
    transferred (headers included, photos left out), the seconds to the load event, and the bytes by URL."""

    def __init__(self, page):
        self.page = page
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        self.types, self.sizes = {}, {}
        cdp.on(
            "Network.responseReceived",
            lambda e: self.types.update({e["requestId"]: (e["response"]["url"], e["response"]["mimeType"])}),
        )
        cdp.on("Network.loadingFinished", lambda e: self.sizes.update({e["requestId"]: e["encodedDataLength"]}))

    def goto(self, path):
        self.types.clear()
        self.sizes.clear()
        response = self.page.goto(path, wait_until="load")
        seconds = self.page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd / 1000")
        by_url = {}
        for request_id, size in self.sizes.items():
            url, mime = self.types.get(request_id, ("?", ""))
            if mime not in PHOTO_TYPES:
                by_url[url] = by_url.get(url, 0) + int(size)
        return response, sum(by_url.values()), seconds, by_url


def camera_jpeg(path, *, target_bytes=4 * 1024 * 1024):
    """A phone camera's photo: 4000×3000 pixels stored on their side (EXIF orientation 6, "turn 90° clockwise"),
    with the camera's make and model and a GPS position in its EXIF, about ``target_bytes`` big. Returns the path."""
    from PIL import Image

    rng = random.Random(11)
    width, height = 4000, 3000
    # Smooth bands with grain, as a photo has: big enough to be a camera's file, far from random noise's size.
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.frombytes("RGB", (width // 4, height // 4), rng.randbytes(width // 4 * height // 4 * 3))
    photo = Image.blend(base, grain.resize((width, height), Image.Resampling.NEAREST), 0.35)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the picture is shown turned 90° clockwise
    exif[0x010F] = "Xiaomi"
    exif[0x0110] = "Redmi Note 13"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (23.0, 48.0, 36.5), 3: "E", 4: (90.0, 24.0, 43.1)})  # a house in Dhaka
    quality, data = 95, b""
    for quality in (95, 90, 85, 80, 75, 70, 60, 50):
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=quality, exif=exif)
        data = buffer.getvalue()
        if len(data) <= target_bytes * 1.15:
            break
    path.write_bytes(data)
    return path


def pdf_file(path):
    """A real one-page PDF (a scan's stand-in), as tests/sellers/files.py makes them."""
    from tests.sellers.files import pdf_bytes

    path.write_bytes(pdf_bytes())
    return path


def dump(value):
    return json.dumps(value, indent=1, ensure_ascii=False)
