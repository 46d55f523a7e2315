from django.apps import AppConfig
from django.db import connections
from django.utils.translation import gettext_lazy as _


def lift_statement_timeout(*, using: str, **kwargs) -> None:
    """Let the migrating connection run as long as it needs: a migration builds indexes and statistics over every
    article, which takes minutes on a big archive, while a host's ``statement_timeout`` is set for requests."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def restore_statement_timeout(*, using: str, **kwargs) -> None:
    """Give the connection back its own ``statement_timeout`` (the one it was opened with) after migrating."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("RESET statement_timeout")


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_migrate,
            post_save,
            pre_delete,
            pre_migrate,
            pre_save,
        )

        from . import (
            archive_months,
            checks,  # noqa: F401  (registers the system checks)
            tag_counts,
        )
        from .caching import content_changed
        from .revisions import register_article_revisions
        from .search import article_deleted, article_saved
        from .uploads import remember_replaced_files, remove_deleted_files, remove_replaced_files

        register_article_revisions()
        pre_migrate.connect(lift_statement_timeout, dispatch_uid="articles-migrate-timeout-lift")
        post_migrate.connect(restore_statement_timeout, dispatch_uid="articles-migrate-timeout-restore")

        for model_name in ("Article", "Author", "Section", "Tag", "Byline"):
            model = self.get_model(model_name)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"articles-content-{model_name}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"articles-content-{model_name}-delete")
        # An article's tags are set after the article is saved (the admin's form, an import): a change of them is
        # a change of content too.
        m2m_changed.connect(
            content_changed, sender=self.get_model("Article").tags.through,  # type: ignore[attr-defined]
            dispatch_uid="articles-content-tags",
        )
        for model_name in ("Article", "Author"):
            model = self.get_model(model_name)
            pre_save.connect(remember_replaced_files, sender=model, dispatch_uid=f"articles-files-{model_name}-pre")
            post_save.connect(remove_replaced_files, sender=model, dispatch_uid=f"articles-files-{model_name}-save")
            post_delete.connect(remove_deleted_files, sender=model, dispatch_uid=f"articles-files-{model_name}-del")
        # Every save and import of an article passes here, so the search index never lags behind the text.
        post_save.connect(article_saved, sender=self.get_model("Article"), dispatch_uid="articles-search-save")
        post_delete.connect(article_deleted, sender=self.get_model("Article"), dispatch_uid="articles-search-delete")
        # And the sitemap index's rollup of months never lags behind either.
        article = self.get_model("Article")
        pre_save.connect(archive_months.article_before_save, sender=article, dispatch_uid="articles-months-pre")
        post_save.connect(archive_months.article_saved, sender=article, dispatch_uid="articles-months-save")
        post_delete.connect(archive_months.article_deleted, sender=article, dispatch_uid="articles-months-delete")
        # And each tag's count of listed articles, whichever side of the relation changes.
        pre_save.connect(tag_counts.article_before_save, sender=article, dispatch_uid="articles-tag-counts-pre")
        post_save.connect(tag_counts.article_saved, sender=article, dispatch_uid="articles-tag-counts-save")
        pre_delete.connect(tag_counts.article_before_delete, sender=article, dispatch_uid="articles-tag-counts-del")
        m2m_changed.connect(
            tag_counts.article_tags_changed, sender=article.tags.through,  # type: ignore[attr-defined]
            dispatch_uid="articles-tag-counts-tags",
        )
