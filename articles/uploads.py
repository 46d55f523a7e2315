"""Uploaded images: the limits a cover or an author's photo must keep, and removing stored files nobody uses.

The limits (``ARTICLES_MAX_UPLOAD_BYTES``, ``ARTICLES_MAX_IMAGE_PIXELS``) are checked before Pillow reads more
than the image's header: a small file can declare a huge image, which decoding would blow up in memory.
"""

import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .conf import conf
from .images import renditions_delete_on_commit, renditions_field_name

# What browsers show everywhere; anything else Pillow can read (PSD, EPS, TIFF…) is refused, not converted.
WEB_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")

# Translators: sizes come formatted, e.g. "11.0 MB".
FILE_TOO_LARGE = _("The file is %(size)s; the largest accepted is %(limit)s.")
# Translators: Mpx = megapixels (millions of pixels).
TOO_MANY_PIXELS = _(
    "The image is %(width)s × %(height)s pixels (%(megapixels)s Mpx); the largest accepted is %(limit)s Mpx. "
    "Make it smaller and upload it again."
)
FAR_TOO_MANY_PIXELS = _(
    "The image has far more pixels than the %(limit)s Mpx accepted. Make it smaller and upload it again."
)
NOT_AN_IMAGE = _("Upload a JPEG, PNG, GIF or WebP image; this file is not one or is damaged.")


def megapixels(pixels: int) -> str:
    return floatformat(pixels / 1_000_000, -1)


def validate_image_upload(upload) -> None:
    """Raise ``ValidationError`` unless ``upload`` is a JPEG, PNG, GIF or WebP image within the limits."""
    limit_bytes, limit_pixels = conf.ARTICLES_MAX_UPLOAD_BYTES, conf.ARTICLES_MAX_IMAGE_PIXELS
    if upload.size > limit_bytes:
        raise ValidationError(FILE_TOO_LARGE, code="file_too_large", params={
            "size": filesizeformat(upload.size), "limit": filesizeformat(limit_bytes),
        })
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; an image that big is refused here too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=WEB_IMAGE_FORMATS) as image:
                width, height = image.size
                if width * height > limit_pixels:
                    raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels", params={
                        "width": width, "height": height, "megapixels": megapixels(width * height),
                        "limit": megapixels(limit_pixels),
                    })
                image.verify()
            # verify() checks a PNG's structure but not a JPEG's: decode the whole image once, so a truncated or
            # damaged one is this error now rather than a failure when its renditions are made.
            upload.seek(0)
            with Image.open(upload, formats=WEB_IMAGE_FORMATS) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            FAR_TOO_MANY_PIXELS, code="too_many_pixels", params={"limit": megapixels(limit_pixels)}
        ) from error
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds (OSError, SyntaxError, ValueError…) for bad files
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from error
    finally:
        upload.seek(0)


class ImageUploadField(forms.ImageField):
    """Django's image field, with ``validate_image_upload`` first, before Django opens the image itself."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size"):
            validate_image_upload(data)
        return super().to_python(data)


# --- Removing files nobody uses any more -----------------------------------------------------------------

def stored_file_fields(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def remember_replaced_files(sender, instance, update_fields=None, **kwargs) -> None:
    """Before a save, note the stored files this save replaces or clears (``pre_save``)."""
    if instance._state.adding or instance.pk is None:
        return
    names = [name for name in stored_file_fields(sender) if update_fields is None or name in update_fields]
    stored = sender._base_manager.filter(pk=instance.pk).values(*names).first() if names else None
    instance._replaced_files = [
        (name, stored[name]) for name in names
        if stored and stored[name] and stored[name] != getattr(instance, name).name
    ]


def remove_replaced_files(sender, instance, **kwargs) -> None:
    """After a save, remove the files it replaced, once the transaction commits (``post_save``)."""
    for field_name, file_name in instance.__dict__.pop("_replaced_files", []):
        remove_file_when_unused(sender._meta.get_field(field_name).storage, file_name)


def remove_deleted_files(sender, instance, **kwargs) -> None:
    """After a delete, remove the object's files and their renditions, once the transaction commits
    (``post_delete``)."""
    for field_name in stored_file_fields(sender):
        field_file = getattr(instance, field_name)
        if field_file.name:
            remove_file_when_unused(field_file.storage, field_file.name)
        renditions_delete_on_commit(field_file.storage, getattr(instance, renditions_field_name(field_name), None))


def remove_file_when_unused(storage, name: str) -> None:
    """Delete ``name`` from ``storage`` after the commit, unless a row still refers to it then.

    A rolled-back transaction removes nothing. Deleting goes through the storage API, so remote storages work;
    a storage that fails is logged, never turned into an error for a save that has already committed.
    """
    def remove() -> None:
        if not file_in_use(name):
            storage.delete(name)

    transaction.on_commit(remove, robust=True)


def file_in_use(name: str) -> bool:
    """Whether any article's or author's stored file is ``name``."""
    from .models import Article, Author

    return any(
        model._base_manager.filter(**{field_name: name}).exists()
        for model in (Article, Author)
        for field_name in stored_file_fields(model)
    )
