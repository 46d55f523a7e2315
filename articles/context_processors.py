from .conf import conf


def site(request) -> dict:
    """The site's name, for every page (404 and 500 pages included)."""
    return {"site_name": conf.ARTICLES_SITE_NAME}
