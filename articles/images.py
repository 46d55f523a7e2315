"""Renditions of covers and author photos: the same image in several widths, as WebP and in its own format.

They are made once, when the image is saved (``renditions_make``, called by the models' ``save()`` and by the
``make_renditions`` command), never on a reader's request. Every file is read and written through the storage
API (``storage.open``, ``storage.save``, ``storage.delete``), so S3-like storages work as well as the disk.

What was made is recorded on the object, in the JSON field beside the image (``cover_renditions`` beside
``cover``)::

    {"source": "covers/2026/10/bus.png",
     "files": [{"width": 320, "height": 180, "format": "webp", "name": "covers/2026/10/bus.320w.webp"}, …]}

so that a page builds ``srcset``, ``width`` and ``height`` from the row alone (``picture_of``), without opening
a file. ``source`` names the image the files were made from: a record whose source is not the current image is
stale, and the next save makes the files again.

Widths come from ``ARTICLES_IMAGE_WIDTHS``, never larger than the image (no upscaling); an image narrower than the
largest width also gets one rendition at its own width. Formats: WebP for every width, and a fallback for browsers
without WebP: JPEG for a JPEG, PNG for everything else (a GIF's first frame, a WebP's fallback is the WebP alone).
Metadata (EXIF: camera, place) is left out of the renditions; the EXIF orientation is applied first.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from .conf import conf

logger = logging.getLogger(__name__)

WEBP = "webp"
# Pillow's format name → the fallback format renditions of it are written in (besides WebP).
FALLBACK_FORMATS = {"JPEG": "jpeg", "PNG": "png", "GIF": "png", "WEBP": None}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
# Encoder settings: quality that holds up on photos at a fraction of the original's bytes.
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG", "optimize": True},
}


def renditions_field_name(image_field_name: str) -> str:
    """The JSON field that records the renditions of ``image_field_name``: ``cover`` → ``cover_renditions``."""
    return f"{image_field_name}_renditions"


def rendition_widths(original_width: int, widths: list[int] | None = None) -> list[int]:
    """The widths to make for an image ``original_width`` pixels wide: those configured that are smaller, and the
    image's own width when it is narrower than the largest configured one."""
    widths = sorted(set(conf.ARTICLES_IMAGE_WIDTHS if widths is None else widths))
    chosen = [width for width in widths if width < original_width]
    if original_width <= widths[-1]:
        chosen.append(original_width)
    return chosen


def rendition_name(source: str, width: int, image_format: str) -> str:
    """The name a rendition is stored under, beside its source: ``covers/bus.png`` → ``covers/bus.640w.webp``."""
    path = PurePosixPath(source)
    return str(path.with_name(f"{path.stem}.{width}w.{EXTENSIONS[image_format]}"))


def resizable(image: Image.Image) -> Image.Image:
    """``image`` in a mode that scales smoothly (Pillow scales palette images pixel by pixel) and encodes as WebP."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    transparent = "transparency" in image.info or image.mode in ("PA", "RGBa", "La")
    return image.convert("RGBA" if transparent else "RGB")


def encoded(image: Image.Image, image_format: str, icc_profile: bytes | None) -> bytes:
    if image_format == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    options = dict(SAVE_OPTIONS[image_format])
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def renditions_make(storage, source: str) -> dict:
    """Make and store the renditions of the image stored as ``source``; return the record of them.

    Raises what Pillow or the storage raise (``OSError`` and others) for an image that cannot be read or written;
    files already written by then are removed.
    """
    with storage.open(source, "rb") as stored, Image.open(stored) as opened:
        fallback = FALLBACK_FORMATS.get(opened.format or "")
        if opened.format not in FALLBACK_FORMATS:
            raise ValueError(f"{source} is {opened.format}, not an image format renditions are made of")
        icc_profile = opened.info.get("icc_profile")
        image = resizable(ImageOps.exif_transpose(opened))
        image.load()
    formats = [WEBP, *([fallback] if fallback else [])]
    files: list[dict] = []
    try:
        for width in rendition_widths(image.width):
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else image.resize(
                (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
            for image_format in formats:
                name = storage.save(
                    rendition_name(source, width, image_format),
                    ContentFile(encoded(resized, image_format, icc_profile)),
                )
                files.append({"width": width, "height": height, "format": image_format, "name": name})
    except BaseException:
        renditions_delete(storage, {"files": files})
        raise
    return {"source": source, "files": files}


def renditions_delete(storage, record: dict | None) -> None:
    """Delete the files of a renditions record now (a missing file is no error)."""
    for rendition in (record or {}).get("files", []):
        storage.delete(rendition["name"])


def renditions_delete_on_commit(storage, record: dict | None) -> None:
    """Delete the files of a renditions record once the transaction commits; a rollback keeps them."""
    if record and record.get("files"):
        transaction.on_commit(lambda: renditions_delete(storage, record), robust=True)


def renditions_update(instance, image_field_name: str) -> list[str]:
    """Before ``instance`` is saved: store its image if it was just uploaded, and make its renditions when the
    record beside it was made from another image (or none). Return the names of the files written.

    The replaced renditions are removed once the save commits. An image that cannot be made into renditions is
    logged and recorded without files: its page shows the image itself, and ``make_renditions`` tries again.
    """
    field_file = getattr(instance, image_field_name)
    record_field = renditions_field_name(image_field_name)
    record = getattr(instance, record_field) or {}
    if field_file and not field_file._committed:
        # What FileField.pre_save would do a moment later: the renditions are made from the stored file.
        field_file.save(field_file.name, field_file.file, save=False)
    if (record.get("source") or "") == (field_file.name or ""):
        return []
    renditions_delete_on_commit(field_file.storage, record)
    new_record: dict = {}
    if field_file:
        try:
            new_record = renditions_make(field_file.storage, field_file.name)
        except Exception:
            logger.exception("No renditions made of %s", field_file.name)
            new_record = {"source": field_file.name, "files": []}
    setattr(instance, record_field, new_record)
    return [rendition["name"] for rendition in new_record.get("files", [])]


@dataclass(frozen=True)
class Picture:
    """What a page needs to show an image: its fallback address and size, and the ``srcset`` of each format."""

    src: str
    width: int | None
    height: int | None
    srcset: str = ""
    webp_srcset: str = ""


def picture_of(field_file) -> Picture | None:
    """The ``Picture`` of an image field's file (``article.cover``), from the stored record alone; None when empty.

    Without renditions made from the current image it is the image itself, with the size its model stores (the
    ``width_field`` and ``height_field`` of the ``ImageField``), if any.
    """
    if not field_file:
        return None
    storage, instance = field_file.storage, field_file.instance
    record = getattr(instance, renditions_field_name(field_file.field.name), None) or {}
    files = record.get("files") or [] if record.get("source") == field_file.name else []
    fallback = [item for item in files if item["format"] != WEBP] or [item for item in files if item["format"] == WEBP]
    if not fallback:
        width_field, height_field = field_file.field.width_field, field_file.field.height_field
        return Picture(
            src=field_file.url,
            width=getattr(instance, width_field, None) if width_field else None,
            height=getattr(instance, height_field, None) if height_field else None,
        )

    def srcset(items: list[dict]) -> str:
        return ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in items)

    largest = max(fallback, key=lambda item: item["width"])
    webp = [item for item in files if item["format"] == WEBP]
    return Picture(
        src=storage.url(largest["name"]), width=largest["width"], height=largest["height"],
        srcset=srcset(fallback), webp_srcset=srcset(webp) if webp != fallback else "",
    )
