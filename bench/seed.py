"""Create the article the bench reads (idempotent): a full story in three languages, two authors, a section with
other recent stories (so the "more from this section" box is filled). Prints its id and English address as JSON.

Run by ``bench/run.py`` as ``python -m bench.seed`` with the bench's environment.
"""

import json
from datetime import timedelta

import django

django.setup()  # before the models are imported

from django.utils import timezone  # noqa: E402

from articles.models import Article, Author, Byline, Section  # noqa: E402

PARAGRAPHS = {
    "en": (
        "The city council approved the plan on Tuesday after a debate that lasted most of the afternoon. "
        "Supporters said the change would cut travel times for thousands of residents, while critics asked "
        "for *more detail* on the cost and on the timetable for the works."
    ),
    "ru": (
        "Городской совет одобрил план во вторник после дискуссии, которая заняла большую часть дня. "
        "Сторонники говорят, что изменения сократят время в пути для тысяч жителей, а критики просят "
        "*подробнее* рассказать о стоимости и сроках работ."
    ),
    "kk": (
        "Қалалық кеңес жоспарды сейсенбі күні түстен кейінгі ұзақ талқылаудан соң мақұлдады. "
        "Қолдаушылар өзгерістер мыңдаған тұрғынның жолға кететін уақытын қысқартады дейді, ал сыншылар "
        "жұмыстардың құны мен мерзімі туралы *толығырақ* айтуды сұрайды."
    ),
}


def body(language: str) -> str:
    sections = []
    for number in range(1, 5):
        sections.append(f"## {number}\n\n" + "\n\n".join([PARAGRAPHS[language]] * 3))
    sections.append("- " + "\n- ".join(PARAGRAPHS[language].split(". ")))
    return "\n\n".join(sections)


def article(key: str, title: str, section: Section, authors: list[Author], published_at) -> Article:
    story = Article.objects.filter(key=key).first()
    if story is None:
        story = Article.objects.create(
            key=key, section=section, status=Article.Status.PUBLISHED, published_at=published_at,
            **{f"title_{code}": f"{title} ({code})" for code in PARAGRAPHS},
            **{f"lead_{code}": PARAGRAPHS[code].split(". ")[0] + "." for code in PARAGRAPHS},
            **{f"body_{code}": body(code) for code in PARAGRAPHS},
        )
        for position, author in enumerate(authors):
            Byline.objects.create(article=story, author=author, position=position)
    return story


def main() -> None:
    section = Section.objects.filter(key="bench").first() or Section.objects.create(
        key="bench", name_en="City", name_ru="Город", name_kk="Қала"
    )
    authors = [
        Author.objects.filter(key=f"bench-{number}").first() or Author.objects.create(
            key=f"bench-{number}", name_en=f"Reporter {number}", name_ru=f"Репортёр {number}",
            name_kk=f"Тілші {number}",
        )
        for number in (1, 2)
    ]
    now = timezone.now()
    for number in range(1, 6):
        article(f"bench-other-{number}", f"Other story {number}", section, authors[:1], now - timedelta(days=number))
    story = article("bench-article", "Council approves the new bus lanes", section, authors, now - timedelta(hours=2))
    print(json.dumps({"id": story.pk, "url": story.get_absolute_url("en")}))


if __name__ == "__main__":
    main()
