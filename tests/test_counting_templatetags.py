"""The ``{% view_beacon %}`` tag (``articles/templatetags/counting.py``)."""

from django.template import Context, Template
from django.utils import translation


def test_view_beacon_renders_nothing_in_request_mode_or_on_a_preview(make_article, settings):
    article = make_article()
    template = Template("{% load counting %}[{% view_beacon article %}]")
    assert template.render(Context({"article": article})) == "[]"
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    assert template.render(Context({"article": article, "preview": True})) == "[]"
    with translation.override("kk"):
        html = template.render(Context({"article": article}))
    assert f'"/kk/articles/{article.pk}/seen/"' in html and "sendBeacon" in html and "prerenderingchange" in html
    assert f'<noscript><img src="/kk/articles/{article.pk}/seen/"' in html
    fallback = Template("{% load counting %}{% view_beacon article 'ru' %}").render(Context({"article": article}))
    assert f"/ru/articles/{article.pk}/seen/" in fallback
