from django.urls import path

from . import views
from .counting import views as counting_views
from .feeds import LatestArticlesFeed, TagAtomFeed, TagFeed
from .search.views import SearchView

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("tags/<slug:slug>/feed/", TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/atom/", TagAtomFeed(), name="tag_atom_feed"),
    path("articles/<int:pk>/seen/", counting_views.article_seen, name="article_seen"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("search/", SearchView.as_view(), name="search"),
]
