"""Covers and author photos: limits checked in the admin, replaced and deleted files removed after the commit.

Real PNG files made by Pillow, posted through the admin with the test client; the storage is the real one.
"""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, PngImagePlugin

from articles.models import Article, Author
from tests.support import ADD_URL, article_form

AUTHOR_ADD_URL = reverse("admin:articles_author_add")


def png(width: int = 40, height: int = 30, *, name: str = "cover.png", padding: int = 0) -> SimpleUploadedFile:
    """A real PNG; mostly empty, so even a huge one is a small file. ``padding`` bytes of text make it bigger."""
    info = PngImagePlugin.PngInfo()
    if padding:
        info.add_text("padding", "x" * padding)
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", pnginfo=info)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def post_cover(client, author, cover, language: str = "en"):
    return client.post(ADD_URL, article_form(author, cover=cover), headers={"accept-language": language})


def cover_errors(response) -> list[str]:
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors["cover"]


def test_a_small_png_cover_is_accepted_with_its_size(admin_client, make_article):
    response = post_cover(admin_client, make_article.author(), png(40, 30))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.cover_width, article.cover_height) == (40, 30)
    assert default_storage.exists(article.cover.name)


def test_a_cover_over_the_default_10_mb_is_refused(admin_client, make_article):
    response = post_cover(admin_client, make_article.author(), png(padding=11 * 1024 * 1024))
    assert cover_errors(response) == ["The file is 11.0\xa0MB; the largest accepted is 10.0\xa0MB."]
    assert not Article.objects.exists()


def test_the_size_limit_is_read_from_the_settings_at_request_time(admin_client, make_article, settings):
    settings.ARTICLES_MAX_UPLOAD_BYTES = 1000
    response = post_cover(admin_client, make_article.author(), png(padding=2000))
    assert "the largest accepted is 1000\xa0bytes." in cover_errors(response)[0]


def test_an_image_over_the_default_40_megapixels_is_refused_though_the_file_is_small(admin_client, make_article):
    upload = png(8000, 6000)
    assert upload.size < 100_000
    response = post_cover(admin_client, make_article.author(), upload)
    assert cover_errors(response) == [
        "The image is 8000 × 6000 pixels (48 Mpx); the largest accepted is 40 Mpx. Make it smaller and upload it again."
    ]


def test_a_decompression_bomb_gets_the_same_clear_error_not_the_generic_one(admin_client, make_article):
    response = post_cover(admin_client, make_article.author(), png(20000, 9000))  # 180 Mpx, Pillow's own limit
    assert cover_errors(response) == [
        "The image has far more pixels than the 40 Mpx accepted. Make it smaller and upload it again."
    ]


def test_the_pixel_limit_is_read_from_the_settings_at_request_time(admin_client, make_article, settings):
    settings.ARTICLES_MAX_IMAGE_PIXELS = 500_000
    response = post_cover(admin_client, make_article.author(), png(1000, 600))
    assert "(0.6 Mpx); the largest accepted is 0.5 Mpx." in cover_errors(response)[0]


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("cover.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png"),
    SimpleUploadedFile("cover.png", png().read()[:60], content_type="image/png"),
])
def test_a_file_that_is_not_a_whole_web_image_is_refused(admin_client, make_article, upload):
    response = post_cover(admin_client, make_article.author(), upload)
    assert cover_errors(response) == ["Upload a JPEG, PNG, GIF or WebP image; this file is not one or is damaged."]


def test_an_image_format_browsers_do_not_show_is_refused(admin_client, make_article):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "TIFF")
    upload = SimpleUploadedFile("cover.tif", buffer.getvalue(), content_type="image/tiff")
    response = post_cover(admin_client, make_article.author(), upload)
    assert cover_errors(response) == ["Upload a JPEG, PNG, GIF or WebP image; this file is not one or is damaged."]


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", "Изображение размером 8000 × 6000 пикселей (48 Мп); допускается не больше 40 Мп."),
    ("kk", "Суреттің өлшемі 8000 × 6000 пиксель (48 Мп); ең көбі 40 Мп рұқсат етіледі."),
])
def test_upload_errors_speak_the_editors_language(admin_client, make_article, language, expected):
    response = post_cover(admin_client, make_article.author(), png(8000, 6000), language=language)
    assert cover_errors(response)[0].startswith(expected)


def author_form(**fields) -> dict:
    data = {"key": "", "slug": "", "name_en": "Aigerim Sadykova", "name_ru": "", "name_kk": "",
            "bio_en": "", "bio_ru": "", "bio_kk": ""}
    return {**data, **fields}


def test_an_author_photo_keeps_the_same_limits(admin_client, settings):
    settings.ARTICLES_MAX_UPLOAD_BYTES = 1000
    response = admin_client.post(AUTHOR_ADD_URL, author_form(photo=png(padding=2000, name="photo.png")))
    assert response.status_code == 200
    assert "the largest accepted is 1000\xa0bytes." in response.context["adminform"].form.errors["photo"][0]
    settings.ARTICLES_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    response = admin_client.post(AUTHOR_ADD_URL, author_form(photo=png(8000, 6000, name="photo.png")))
    assert "the largest accepted is 40 Mpx." in response.context["adminform"].form.errors["photo"][0]
    assert not Author.objects.exists()


def change_form(article: Article, **fields) -> dict:
    byline = article.bylines.get()
    return {
        **article_form(byline.author, title_en=article.title_en, body_en=article.body_en, **fields),
        "bylines-INITIAL_FORMS": "1", "bylines-0-id": str(byline.pk), "bylines-0-article": str(article.pk),
    }


def article_with_cover(client, make_article) -> Article:
    assert post_cover(client, make_article.author(), png()).status_code == 302
    return Article.objects.get()


def test_a_replaced_cover_is_removed_from_storage_after_the_commit(
    admin_client, make_article, django_capture_on_commit_callbacks
):
    article = article_with_cover(admin_client, make_article)
    old = article.cover.name
    change = reverse("admin:articles_article_change", args=[article.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        assert admin_client.post(change, change_form(article, cover=png(name="new.png"))).status_code == 302
        assert default_storage.exists(old), "removed before the commit"
    for callback in callbacks:
        callback()
    article.refresh_from_db()
    assert not default_storage.exists(old)
    assert default_storage.exists(article.cover.name) and article.cover.name != old


def test_a_cleared_cover_is_removed_from_storage(admin_client, make_article, django_capture_on_commit_callbacks):
    article = article_with_cover(admin_client, make_article)
    old = article.cover.name
    change = reverse("admin:articles_article_change", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change, change_form(article, **{"cover-clear": "on"})).status_code == 302
    assert not default_storage.exists(old)


def test_a_deleted_articles_cover_is_removed_from_storage(
    admin_client, make_article, django_capture_on_commit_callbacks
):
    article = article_with_cover(admin_client, make_article)
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not default_storage.exists(article.cover.name)


def test_a_deleted_authors_photo_is_removed_from_storage(admin_client, db, django_capture_on_commit_callbacks):
    assert admin_client.post(AUTHOR_ADD_URL, author_form(photo=png(name="photo.png"))).status_code == 302
    author = Author.objects.get()
    assert default_storage.exists(author.photo.name)
    delete = reverse("admin:articles_author_delete", args=[author.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not default_storage.exists(author.photo.name)


def test_a_file_another_row_still_uses_is_kept_until_the_last_one_lets_go(
    admin_client, make_article, django_capture_on_commit_callbacks
):
    article = article_with_cover(admin_client, make_article)
    shared = article.cover.name
    author = article.byline()[0]
    Author.objects.filter(pk=author.pk).update(photo=shared)
    other = make_article()
    Article.objects.filter(pk=other.pk).update(cover=shared)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
        Article.objects.get(pk=other.pk).delete()
    assert default_storage.exists(shared)
    with django_capture_on_commit_callbacks(execute=True):
        author.refresh_from_db()
        author.photo = None
        author.save()
    assert not default_storage.exists(shared)


def test_a_replacement_rolled_back_removes_nothing(admin_client, make_article, django_capture_on_commit_callbacks):
    article = article_with_cover(admin_client, make_article)
    old = article.cover.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        article.cover = png(name="new.png")
        article.save()
        raise RuntimeError("the transaction fails")
    assert callbacks == []
    assert default_storage.exists(old)
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        article.cover = png(name="new.png")
        article.save()
    assert not default_storage.exists(old)
