from functools import cache as once

from django.utils.translation import get_language

from .conf import conf


def site(request) -> dict:
    """The site's name, for every page (404 and 500 pages included), and its Telegram channel in the page's language
    (looked up only if the page shows it)."""
    return {"site_name": conf.ARTICLES_SITE_NAME, "telegram": once(lambda: conf.telegram_channel(get_language()))}
