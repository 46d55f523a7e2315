"""``{% view_beacon %}``: what an article page includes to be counted when it may be served from a cache."""

import json

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..conf import conf

register = template.Library()

# Counted once the page is really shown: a prerendered page waits until the reader switches to it.
BEACON_SCRIPT = (
    "<script{nonce}>(function(u){{function s(){{if(!(navigator.sendBeacon&&navigator.sendBeacon(u)))"
    "fetch(u,{{method:\"POST\",keepalive:true,credentials:\"same-origin\"}})}}"
    "if(document.prerendering)document.addEventListener(\"prerenderingchange\",s,{{once:true}});else s()}})"
    "({url_json})</script>"
    '<noscript><img src="{url}" alt="" width="1" height="1" hidden></noscript>'
)
# As in Django's json_script: "</script>" in the URL must not end the element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def view_beacon(context, article, language: str | None = None) -> str:
    """The beacon that counts a view of ``article`` in ``language`` (default: the page's), or nothing.

    Renders nothing unless ``ARTICLES_VIEW_COUNTING`` is ``"beacon"``, and nothing on a staff preview (a
    ``preview`` context variable that is true). Usage: ``{% load counting %}…{% view_beacon article %}``, or
    ``{% view_beacon article content_language %}`` when the page shows a fallback language.
    """
    if conf.ARTICLES_VIEW_COUNTING != "beacon" or context.get("preview") or article is None or article.pk is None:
        return ""
    with translation.override(language or translation.get_language()):
        url = reverse("articles:article_seen", kwargs={"pk": article.pk})
    # Under a Content-Security-Policy (django-csp's request.csp_nonce) the inline script runs only with the nonce.
    nonce = getattr(context.get("request"), "csp_nonce", None)
    return format_html(
        BEACON_SCRIPT,
        nonce=format_html(' nonce="{}"', str(nonce)) if nonce is not None else "",
        url=url,
        url_json=mark_safe(json.dumps(url).translate(SCRIPT_ESCAPES)),
    )
