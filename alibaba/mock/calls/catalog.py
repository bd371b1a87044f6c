"""The category tree, leaf attributes and the photobank."""

import hashlib
import secrets

from ..catalog_seed import CATALOG
from ..errors import invalid
from .common import JPEG, PNG, Call

MAX_IMAGE_BYTES = 3 * 1024 * 1024
IMAGE_TYPES = (JPEG, PNG)
PHOTOBANK_HOST = "https://photobank.mock-alibaba.invalid"


def category_get(call: Call) -> dict:
    """``cat_id`` 0 is the root: its children are the top-level categories."""
    cat_id = call.integer("cat_id", default=0)
    if cat_id and cat_id not in CATALOG.categories:
        raise invalid("cat_id", f"{cat_id} is not a category")
    category = CATALOG.categories[cat_id].as_answer() if cat_id else None
    return {"category": category, "categories": [child.as_answer() for child in CATALOG.children(cat_id)]}


def attribute_get(call: Call) -> dict:
    cat_id = call.integer("cat_id", minimum=1)
    category = CATALOG.categories.get(cat_id)
    if category is None:
        raise invalid("cat_id", f"{cat_id} is not a category")
    if not category.leaf:
        raise invalid("cat_id", f"{cat_id} ({category.name}) is not a leaf category: only leaves have attributes")
    return {"category_id": cat_id, "attributes": [attribute.as_answer() for attribute in category.attributes]}


def photobank_upload(call: Call) -> dict:
    """JPEG or PNG by content, at most 3 MB; the URL is this supplier's alone."""
    image, (_, content_type, extension) = call.file(
        "image", max_bytes=MAX_IMAGE_BYTES, kinds=IMAGE_TYPES, what="a JPEG or PNG image"
    )
    digest = hashlib.sha256(image).hexdigest()
    url = f"{PHOTOBANK_HOST}/kf/{call.supplier_id}/H{secrets.token_hex(16)}.{extension}"
    call.conn.execute(
        "INSERT INTO photos (url, supplier_id, sha256, size, content_type, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (url, call.supplier_id, digest, len(image), content_type, call.now),
    )
    return {"photobank_url": url}
