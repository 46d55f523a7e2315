"""Sanitise the renderer's HTML with nh3: the second, independent line of defence after escaping raw HTML.

Only the tags and attributes the renderer emits are kept (no ``script``, ``style``, ``iframe``, ``svg``,
``math``, forms or other raw-text tags, no event handlers, no ``style`` attributes), URLs must be relative or use
http, https, mailto or tel, and every link gets ``rel="noopener noreferrer"`` (nh3 cannot tell an external link
from an internal one; on footnote anchors the attribute is harmless).
"""

import re

import nh3

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # not encodable as UTF-8, which nh3 needs

_CLASSES = {
    "a": re.compile(r"footnote-ref|footnote-backref"),
    "div": re.compile(r"footnote"),
    "code": re.compile(r"language-[\w#.+-]+"),
}
_ATTRIBUTE_VALUES = {
    "id": re.compile(r"fn(?:ref\d*)?:.+"),  # footnote anchors only: no clobbering of other ids on the page
    "align": re.compile(r"left|right|center"),
    "start": re.compile(r"\d{1,9}"),
}


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def sanitize_html(html: str) -> str:
    """Keep only the tags, attributes and URL schemes the renderer emits; idempotent."""
    return _CLEANER.clean(replace_lone_surrogates(html))


def replace_lone_surrogates(text: str) -> str:
    """Replace each half of a surrogate pair standing alone with U+FFFD, so that the text encodes as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # No address holds a raw control character; a browser may strip some of them, so "\x7fjavascript:" is dropped
    # rather than trusted to stay a harmless relative address.
    if attribute in ("href", "src") and _CONTROL.search(value):
        return None
    if attribute == "class":
        pattern = _CLASSES.get(tag)
    else:
        pattern = _ATTRIBUTE_VALUES.get(attribute)
        if pattern is None:
            return value
    return value if pattern is not None and pattern.fullmatch(value) else None


_CLEANER = nh3.Cleaner(
    tags={
        "a", "abbr", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
        "li", "ol", "p", "pre", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    },
    # Dropped with their content: raw-text and foreign-content elements are where mutation XSS hides.
    clean_content_tags={
        "script", "style", "iframe", "object", "noscript", "noembed", "noframes", "template", "textarea",
        "title", "xmp", "plaintext", "svg", "math", "select",
    },
    attributes={
        "a": {"href", "title", "class"},
        "abbr": {"title"},
        "code": {"class"},
        "div": {"class"},
        "img": {"src", "alt", "title"},
        "li": {"id"},
        "ol": {"start"},
        "sup": {"id"},
        "td": {"align"},
        "th": {"align"},
    },
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)
