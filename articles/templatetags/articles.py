"""Template tags for translated text, its typography, page metadata, images and the latest articles (404 page)."""

import json
import logging

from django import template
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from ..caching import generation_key
from ..conf import conf
from ..images import Picture, picture_of
from ..markdown.typography import typeset_text
from ..page_shells import mark
from ..selectors import menu_sections, public_articles

logger = logging.getLogger(__name__)
register = template.Library()

# Open Graph wants language_TERRITORY; a language not listed here is given as it is.
OPEN_GRAPH_LOCALES = {"en": "en_US", "ru": "ru_RU", "kk": "kk_KZ"}

# Inside <script>, "</script>" or "<!--" in a title would end or confuse the element: escape the characters that
# can start them, as Django's json_script does.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def text(obj, field_name: str) -> str:
    """``obj``'s ``field_name`` in the page's language, else in another, marked with that language's ``lang``.

    Usage: ``{% text article.section "name" %}``.
    """
    language = get_language()
    value = obj.translated(field_name, language)
    if value:
        return value
    for code in conf.ARTICLES_LANGUAGES:
        if value := obj.translated(field_name, code):
            return format_html('<span lang="{}">{}</span>', code, value)
    return ""


@register.simple_tag(takes_context=True)
def per_request(context, template_name: str) -> str:
    """A part of the page that changes with every request (the view count, the most-read block): the template
    ``template_name`` rendered with the page's context; in a page being kept as a shell (``articles.page_shells``),
    a mark that the view fills on every request. Such a part may use only ``view_count`` and the most-read
    variables (``most_read``, ``most_read_key``, ``most_read_seconds``): a shell's parts get nothing else. Never
    inside ``{% cache %}``, which would keep the mark.

    Usage: ``{% per_request "articles/includes/view_count.html" %}``.
    """
    if context.get("page_shell_marks"):
        return mark_safe(mark(template_name))
    return context.template.engine.get_template(template_name).render(context)


@register.simple_tag
def latest_articles(count: int = 5) -> list[dict]:
    """The ``count`` newest public articles in the page's language, each a dict of ``url``, ``title`` and
    ``published_at``, for pages that must render whatever happens: none when the database cannot answer.

    Usage: ``{% latest_articles 5 as articles %}`` (the 404 page).
    """
    language = get_language()
    key = generation_key("latest-articles", language, count)
    if (articles := cache.get(key)) is not None:
        return articles
    try:
        articles = [
            {"url": article.get_absolute_url(), "title": article.title, "published_at": article.published_at}
            for article in public_articles(language=language).defer(
                *(build_localized_fieldname(field, code) for field in ("body", "body_html")
                  for code in conf.ARTICLES_LANGUAGES)
            )[:count]
        ]
    except DatabaseError as error:
        logger.warning("Latest articles left out, the database did not answer: %s", error)
        return []
    cache.set(key, articles, conf.ARTICLES_PAGE_CACHE_SECONDS)
    return articles


@register.simple_tag
def section_menu() -> list[dict]:
    """The sections that have public articles in the page's language, each a dict of ``url`` and ``name`` (marked
    with its ``lang`` when the section has no name in this language), for the header's menu and the footer.

    Cached under the content generation; none when the database cannot answer (the 404 page renders regardless).
    Usage: ``{% section_menu as sections %}``.
    """
    language = get_language()
    key = generation_key("section-menu", language)
    if (sections := cache.get(key)) is not None:
        return sections
    try:
        sections = [
            {"url": section.get_absolute_url(language), "name": text(section, "name")}
            for section in menu_sections(language=language)
        ]
    except DatabaseError as error:
        logger.warning("Section menu left out, the database did not answer: %s", error)
        return []
    cache.set(key, sections, conf.ARTICLES_PAGE_CACHE_SECONDS)
    return sections


@register.filter
def typeset(value: str, language: str = "") -> str:
    """A plain title or lead in its language's typography (the rules bodies are set by), still to be escaped.

    Usage: ``{{ article.title|typeset }}`` in the page's language, ``{{ text.title|typeset:content_language }}``.
    """
    return typeset_text(str(value or ""), language or get_language())


@register.filter
def json_ld(data: dict) -> SafeString:
    """Render ``data`` as a JSON-LD script element, safe whatever the strings in it contain."""
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{encoded}</script>')


@register.filter
def url_in(obj, language: str) -> str:
    """``obj``'s address in ``language``: ``{{ author|url_in:content_language }}``."""
    return obj.get_absolute_url(language)


@register.filter
def picture(image) -> Picture | None:
    """An image field's file as a ``Picture`` (address, size, ``srcset`` per format), from the stored renditions
    record: ``{% with picture=article.cover|picture %}``. Used by ``articles/includes/picture.html``."""
    return picture_of(image)


@register.filter
def open_graph_locale(language: str) -> str:
    return OPEN_GRAPH_LOCALES.get(language, language)
