"""Which fields are translated: django-modeltranslation adds a column per language for each of them."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import Article, Author, Section, Tag


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("name", "slug")
    # A language without a slug stores NULL, which the unique constraints let many rows share.
    empty_values = {"slug": None}


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name", "slug")
    empty_values = {"slug": None}


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name", "bio", "bio_html")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "lead", "body", "body_html", "cover_alt", "cover_caption", "cover_credit")
    empty_values = {"slug": None}
