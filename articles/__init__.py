"""Newsroom articles: multilingual news articles for Django."""
