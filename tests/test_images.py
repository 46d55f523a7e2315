"""Renditions of covers and author photos (articles/images.py): made when the image is saved, through the storage
API, recorded on the row, shown by articles/includes/picture.html without opening a file, removed with the image.

Real images made by Pillow, real storages (the disk, and Django's in-memory storage standing in for S3).
"""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from PIL import Image

from articles.images import picture_of, rendition_name, rendition_widths, renditions_make
from articles.models import Article, Author
from tests.support import ADD_URL, article_form, import_articles, write_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_bytes(width: int, height: int, image_format: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if image_format == "PNG" else "RGB"
    image = Image.new(mode, (width, height), (200, 80, 40))
    image.paste((20, 90, 160), (0, 0, width // 2, height))  # two halves: something for the scaler to keep
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(width: int, height: int, image_format: str = "JPEG", name: str = "cover.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(width, height, image_format), content_type="image/jpeg")


def stored_image(storage, name: str) -> tuple[str, tuple[int, int]]:
    with storage.open(name, "rb") as stored, Image.open(stored) as image:
        return image.format, image.size


# --- Making renditions -------------------------------------------------------------------------------------


def test_widths_are_never_larger_than_the_image():
    assert rendition_widths(5000) == [320, 640, 960, 1280, 1920]
    assert rendition_widths(1920) == [320, 640, 960, 1280, 1920]
    assert rendition_widths(1000) == [320, 640, 960, 1000]
    assert rendition_widths(200) == [200]


def test_rendition_names_are_made_from_the_originals_name():
    assert rendition_name("covers/2026/10/bus.png", 640, "webp") == "covers/2026/10/bus.640w.webp"
    assert rendition_name("authors/kim.jpeg", 320, "jpeg") == "authors/kim.320w.jpg"


def test_a_jpeg_gets_every_width_up_to_its_own_in_webp_and_jpeg_with_the_same_proportions():
    name = default_storage.save("covers/wide.jpg", ContentFile(image_bytes(2400, 1200)))

    record = renditions_make(default_storage, name)

    assert record["source"] == name
    made = {(item["width"], item["format"]): item for item in record["files"]}
    assert set(made) == {(width, fmt) for width in (320, 640, 960, 1280, 1920) for fmt in ("webp", "jpeg")}
    for (width, image_format), item in made.items():
        assert item["height"] == width // 2
        assert stored_image(default_storage, item["name"]) == (image_format.upper(), (width, width // 2))
        assert item["name"].startswith("covers/wide.") and item["name"].endswith(".webp" if image_format == "webp"
                                                                                else ".jpg")


def test_a_small_png_is_not_upscaled_and_keeps_png_beside_webp():
    name = default_storage.save("authors/small.png", ContentFile(image_bytes(500, 400, "PNG")))

    record = renditions_make(default_storage, name)

    assert sorted((item["width"], item["height"], item["format"]) for item in record["files"]) == [
        (320, 256, "png"), (320, 256, "webp"), (500, 400, "png"), (500, 400, "webp"),
    ]
    assert stored_image(default_storage, record["files"][-1]["name"])[1] == (500, 400)


@pytest.mark.parametrize(("image_format", "formats"), [("GIF", {"webp", "png"}), ("WEBP", {"webp"})])
def test_a_gif_falls_back_to_png_and_a_webp_needs_no_fallback(image_format, formats):
    content = ContentFile(image_bytes(400, 200, image_format))
    name = default_storage.save(f"covers/other.{image_format.lower()}", content)

    record = renditions_make(default_storage, name)

    assert {item["format"] for item in record["files"]} == formats
    assert all(stored_image(default_storage, item["name"])[0] == item["format"].upper() for item in record["files"])


def test_a_webp_pictures_img_lists_the_webp_widths_without_a_source(make_article):
    article = make_article()
    article.cover = SimpleUploadedFile("cover.webp", image_bytes(700, 350, "WEBP"), content_type="image/webp")
    article.save()

    html = render_to_string("articles/includes/picture.html", {"image": article.cover, "alt": ""})

    assert "<source" not in html and ".320w.webp 320w" in html and html.count(".webp") == 4  # src, 3 widths


def test_the_camera_orientation_is_applied_and_metadata_left_out():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: stored 600 × 300, shown 300 × 600
    exif[0x010F] = "Camera maker"
    name = default_storage.save("covers/turned.jpg", ContentFile(image_bytes(600, 300, exif=exif.tobytes())))

    record = renditions_make(default_storage, name)

    assert {(item["width"], item["height"]) for item in record["files"]} == {(300, 600)}
    with default_storage.open(record["files"][0]["name"], "rb") as stored, Image.open(stored) as image:
        assert not image.getexif()


def test_renditions_go_through_the_storage_api_so_a_storage_without_a_disk_works():
    storage = InMemoryStorage()
    name = storage.save("covers/remote.jpg", ContentFile(image_bytes(700, 350)))

    record = renditions_make(storage, name)

    assert [item["width"] for item in record["files"]] == [320, 320, 640, 640, 700, 700]
    assert all(storage.exists(item["name"]) for item in record["files"])


def test_an_image_that_cannot_be_read_leaves_no_files_behind():
    storage = InMemoryStorage()
    name = storage.save("covers/broken.jpg", ContentFile(image_bytes(800, 400)[:400]))

    with pytest.raises(OSError):
        renditions_make(storage, name)

    assert storage.listdir("covers")[1] == ["broken.jpg"]


# --- Saving, replacing and deleting ------------------------------------------------------------------------


def test_saving_an_article_with_a_cover_makes_and_records_its_renditions(make_article):
    article = make_article()
    article.cover = upload(1000, 500)
    article.save()

    article.refresh_from_db()
    record = article.cover_renditions
    assert record["source"] == article.cover.name
    assert sorted({item["width"] for item in record["files"]}) == [320, 640, 960, 1000]
    assert all(default_storage.exists(item["name"]) for item in record["files"])


def test_a_save_that_keeps_the_image_makes_nothing_again(make_article):
    article = make_article()
    article.cover = upload(700, 350)
    article.save()
    names = [item["name"] for item in article.cover_renditions["files"]]

    article.title_en = "Another title"
    article.save()

    article.refresh_from_db()
    assert [item["name"] for item in article.cover_renditions["files"]] == names


def test_replacing_a_photo_removes_the_old_renditions_after_the_commit(db, django_capture_on_commit_callbacks):
    author = Author.objects.create(name_en="Elena Kim", photo=upload(400, 400, name="kim.jpg"))
    old = [item["name"] for item in author.photo_renditions["files"]]

    with django_capture_on_commit_callbacks(execute=True):
        author.photo = upload(500, 500, name="kim-new.jpg")
        author.save()

    assert old and not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(item["name"]) for item in author.photo_renditions["files"])


def test_deleting_an_article_removes_its_renditions(make_article, django_capture_on_commit_callbacks):
    article = make_article()
    article.cover = upload(700, 350)
    article.save()
    names = [item["name"] for item in article.cover_renditions["files"]]

    with django_capture_on_commit_callbacks(execute=True):
        article.delete()

    assert names and not any(default_storage.exists(name) for name in names)


def test_a_truncated_jpeg_is_a_form_error_not_a_server_error(admin_client, make_article):
    broken = SimpleUploadedFile("cover.jpg", image_bytes(1200, 800, quality=95)[:3000], content_type="image/jpeg")

    response = admin_client.post(ADD_URL, article_form(make_article.author(), cover=broken))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"] == [
        "Upload a JPEG, PNG, GIF or WebP image; this file is not one or is damaged."
    ]
    assert not Article.objects.exists()


def test_a_cover_uploaded_in_the_admin_gets_renditions_and_its_credit(admin_client, make_article):
    form = article_form(make_article.author(), cover=upload(900, 600), cover_credit_en="Photo: Elena Kim")

    assert admin_client.post(ADD_URL, form).status_code == 302

    article = Article.objects.get()
    assert article.cover_credit_en == "Photo: Elena Kim"
    assert {item["width"] for item in article.cover_renditions["files"]} == {320, 640, 900}


# --- The picture markup ------------------------------------------------------------------------------------


def render_picture(image, **context) -> str:
    return render_to_string("articles/includes/picture.html", {"image": image, **context})


def test_the_picture_has_a_webp_source_and_an_img_with_srcset_sizes_width_and_height(make_article):
    article = make_article()
    article.cover = upload(1000, 500)
    article.save()
    url = default_storage.url

    html = render_picture(article.cover, alt="Buses", sizes="50vw", lazy=True, css_class="thumb")

    webp = [item for item in article.cover_renditions["files"] if item["format"] == "webp"]
    jpeg = [item for item in article.cover_renditions["files"] if item["format"] == "jpeg"]
    assert html == (
        '<picture><source type="image/webp" srcset="'
        + ", ".join(f"{url(item['name'])} {item['width']}w" for item in webp)
        + '" sizes="50vw"><img src="' + url(jpeg[-1]["name"]) + '" srcset="'
        + ", ".join(f"{url(item['name'])} {item['width']}w" for item in jpeg)
        + '" sizes="50vw" alt="Buses" width="1000" height="500" loading="lazy" decoding="async" class="thumb">'
        "</picture>"
    )


def test_an_image_above_the_fold_is_not_lazy_and_sizes_defaults_to_the_viewport(make_article):
    article = make_article()
    article.cover = upload(700, 350)
    article.save()

    html = render_picture(article.cover, alt="")

    assert 'loading="lazy"' not in html and html.count('sizes="100vw"') == 2 and 'alt=""' in html


def test_without_renditions_the_picture_is_the_image_itself_with_its_stored_size(make_article):
    article = make_article()
    article.cover = upload(700, 350)
    article.save()
    Article.objects.filter(pk=article.pk).update(cover_renditions={})
    article.refresh_from_db()

    html = render_picture(article.cover, alt="Buses")

    assert html == (f'<picture><img src="{article.cover.url}" alt="Buses" width="700" height="350" '
                    'decoding="async"></picture>')


def test_an_empty_image_renders_nothing(make_article):
    assert render_picture(make_article().cover, alt="") == ""


class NoOpeningStorage(InMemoryStorage):
    """A storage that refuses to open files: a page that reads an image on a request fails with it."""

    def _open(self, name, mode="rb"):
        if getattr(self, "refuse", False):
            raise AssertionError(f"{name} was opened")
        return super()._open(name, mode)


def test_the_article_page_opens_no_image_file(client, make_article, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.NoOpeningStorage"}}
    author = make_article.author()
    author.photo = upload(300, 300, name="photo.jpg")
    author.save()
    article = make_article(authors=[author])
    article.cover = upload(1300, 650)
    article.cover_credit_en = "Illustration: Newsroom"
    article.save()
    assert picture_of(article.cover).src.endswith(".1300w.jpg")  # a rendition stands in for the original
    default_storage.refuse = True

    html = client.get(article.get_absolute_url("en")).content.decode()

    assert html.count("<picture>") == 2
    assert 'class="author-photo"' in html and '<span class="credit">Illustration: Newsroom</span>' in html
    # Link previews get the largest rendition, not the original.
    assert re.search(r'<meta property="og:image" content="http[^"]+/media/covers/[^"]+\.1300w\.jpg">', html)


# --- The command -------------------------------------------------------------------------------------------


def make_renditions(*arguments) -> str:
    output = io.StringIO()
    call_command("make_renditions", *arguments, stdout=output)
    return output.getvalue()


def test_make_renditions_makes_those_missing_and_only_with_all_makes_the_rest_again(
    make_article, django_capture_on_commit_callbacks
):
    article = make_article()
    article.cover = upload(700, 350)
    article.save()
    Article.objects.filter(pk=article.pk).update(cover_renditions={})  # stored before renditions existed
    Author.objects.create(name_en="Elena Kim", photo=upload(400, 400, name="kim.jpg"))

    assert make_renditions() == "Made the renditions of 1 image(s).\n"
    assert make_renditions() == "Made the renditions of 0 image(s).\n"
    article.refresh_from_db()
    first = [item["name"] for item in article.cover_renditions["files"]]
    assert article.cover_renditions["source"] == article.cover.name and len(first) == 6

    with django_capture_on_commit_callbacks(execute=True):
        assert make_renditions("--all") == "Made the renditions of 2 image(s).\n"

    article.refresh_from_db()
    assert not any(default_storage.exists(name) for name in first)
    assert all(default_storage.exists(item["name"]) for item in article.cover_renditions["files"])


def test_make_renditions_fails_naming_how_many_images_could_not_be_read(make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(cover="covers/gone.jpg")

    with pytest.raises(CommandError, match="1 image"):
        make_renditions()


def test_an_author_page_shows_the_photo(client, make_article):
    author = make_article.author(photo=upload(400, 400, name="kim.jpg"))
    make_article(authors=[author])

    response = client.get(author.get_absolute_url("en"))

    assert response.status_code == 200
    html = response.content.decode()

    assert 'class="author-portrait"' in html and 'srcset="' in html


# --- Imports -----------------------------------------------------------------------------------------------


def test_an_imported_cover_gets_renditions_and_a_dry_run_leaves_none_behind(tmp_path, settings):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "bus.jpg").write_bytes(image_bytes(700, 350))
    write_article(folder, "buses", cover="bus.jpg", cover_credit="Photo: Newsroom")
    import_articles(folder)
    article = Article.objects.get(key="buses")
    assert article.cover_credit_en == "Photo: Newsroom" and len(article.cover_renditions["files"]) == 6
    Article.objects.filter(pk=article.pk).update(cover_renditions={})  # as if stored before renditions existed
    stored = sorted(path.name for path in (settings.MEDIA_ROOT / article.cover.name).parent.iterdir())

    write_article(folder, "buses", cover="bus.jpg", cover_credit="Photo: Newsroom", title="A new title")
    import_articles(folder, dry_run=True)

    assert sorted(path.name for path in (settings.MEDIA_ROOT / article.cover.name).parent.iterdir()) == stored
    assert Article.objects.get(pk=article.pk).cover_renditions == {}
