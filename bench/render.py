"""Time ``render_markdown`` on a realistic article of about 10,000 characters in each language.

Run from anywhere: ``python bench/render.py [runs]``. Prints the median and fastest render time per language.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.markdown import render_markdown  # after the path is set

TARGET_CHARS = 10_000
DEFAULT_RUNS = 50

ENGLISH = """\
## Part {part}: the new line opens

Almaty's city hall says the new metro line is 8.5 km long and has four stations. Work began in 2019 and was
finished at the end of 2024, two years later than planned... but *on budget*, according to the city's
[public report](https://example.com/almaty/metro-report-{part}).

Passengers tried the stations on the very first day. "I used to spend an hour getting to work -- now it's
20 minutes," says Aigul Serikkyzy, a nurse who lives in the Auezov district. Her neighbour isn't convinced:
"The trains are fine, but the 'last mile' is still a bus."

What changes for passengers:

- trains every 7 minutes at rush hour, every 12 minutes otherwise;
- a single fare of 120 tenge, with free transfers to buses for 40 minutes;
- lifts at every station, and **tactile paving** on every platform.

> "The metro is the city's future. We will not stop at four stations," the mayor said at the opening.

| Station | Opened | Passengers a day |
|:--------|:------:|-----------------:|
| Sairan | 2024 | 12,400 |
| Moskva | 2024 | 9,800 |
| Saryarka | 2024 | 7,100 |

Traffic engineers expect the line to take 15 % of the cars off Abai Avenue. The next stage, a 4 km extension to
the west, is due in 2027; its cost is put at 90 bn tenge.[^cost{part}]

[^cost{part}]: Estimate published by the city's finance department in March.

"""

RUSSIAN = """\
## Часть {part}: новая линия открыта

По данным акимата Алматы, длина новой линии метро 8,5 км, на ней четыре станции. Строительство началось
в 2019 году и закончилось в конце 2024 года, на два года позже плана... зато *без превышения сметы*, как
сказано в [открытом отчёте](https://example.com/almaty/metro-report-{part}) города.

Пассажиры опробовали станции в первый же день. "Раньше я ехала на работу час -- теперь 20 минут", -
говорит медсестра Айгуль Серикова из Ауэзовского района. Её сосед настроен скептически: "Поезда хорошие,
но до дома всё равно на автобусе".

Что меняется для пассажиров:

- поезда каждые 7 минут в час пик и каждые 12 минут в остальное время;
- единый тариф 120 тенге и бесплатная пересадка на автобус в течение 40 минут;
- лифты на всех станциях и **тактильная плитка** на каждой платформе.

> "Метро - это будущее города. Мы не остановимся на четырёх станциях", - сказал аким на открытии.

| Станция | Открыта | Пассажиров в день |
|:--------|:-------:|------------------:|
| Сайран | 2024 | 12 400 |
| Москва | 2024 | 9 800 |
| Сарыарка | 2024 | 7 100 |

Инженеры ожидают, что линия уберёт с проспекта Абая 15 % машин. Следующий этап, продление на 4 км на запад,
намечен на 2027 год; его стоимость оценивают в 90 млрд тенге.[^cost{part}]

[^cost{part}]: Оценка опубликована управлением финансов города в марте.

"""

KAZAKH = """\
## {part}-бөлім: жаңа желі ашылды

Алматы қаласы әкімдігінің хабарлауынша, метроның жаңа желісінің ұзындығы 8,5 км, онда төрт станция бар.
Құрылыс 2019 жылы басталып, 2024 жылдың соңында аяқталды. Бұл жоспардан екі жыл кеш... бірақ *сметадан
асқан жоқ*, деп жазылған қаланың [ашық есебінде](https://example.com/almaty/metro-report-{part}).

Жолаушылар жаңа станцияларды алғашқы күні-ақ сынап көрді. "Бұрын жұмысқа бір сағат жүретінмін -- енді
20 минутта жетемін", - дейді Әуезов ауданында тұратын медбике Айгүл Серікқызы. Көршісі басқаша ойлайды:
"Пойыздар жақсы, бірақ үйге бәрібір автобуспен барамын".

Жолаушылар үшін не өзгереді:

- қарбалас уақытта пойыздар әр 7 минут сайын, қалған уақытта әр 12 минут сайын жүреді;
- жол ақысы 120 теңге, 40 минут ішінде автобусқа тегін ауысуға болады;
- барлық станцияда лифт бар, әр платформада **тактильді плитка** төселген.

> "Метро - қаланың болашағы. Төрт станциямен тоқтамаймыз", - деді әкім ашылу салтанатында.

| Станция | Ашылған жылы | Күніне жолаушы |
|:--------|:------------:|---------------:|
| Сайран | 2024 | 12 400 |
| Мәскеу | 2024 | 9 800 |
| Сарыарқа | 2024 | 7 100 |

Мамандардың болжауынша, жаңа желі Абай даңғылындағы көліктің 15 % азайтады. Келесі кезең, батысқа қарай
4 км ұзарту, 2027 жылға жоспарланған; оның құны 90 млрд теңге деп бағаланады.[^cost{part}]

[^cost{part}]: Бағаны наурыз айында қалалық қаржы басқармасы жариялады.

"""

ARTICLES = {"en": ENGLISH, "ru": RUSSIAN, "kk": KAZAKH}
TITLES = {"en": "# The metro reaches the west", "ru": "# Метро дошло до запада", "kk": "# Метро батысқа жетті"}


def article(language: str) -> str:
    """Repeat the language's section, numbering the parts, until the body reaches TARGET_CHARS."""
    parts = [TITLES[language] + "\n\n"]
    while sum(map(len, parts)) < TARGET_CHARS:
        parts.append(ARTICLES[language].format(part=len(parts)))
    return "".join(parts)


def milliseconds(language: str, body: str, runs: int) -> list[float]:
    render_markdown(body, language)  # warm up: imports and compiled patterns
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_markdown(body, language)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RUNS
    print(f"render_markdown, {runs} runs per language")
    print(f"{'language':<10}{'characters':>12}{'median ms':>12}{'fastest ms':>12}")
    for language in ARTICLES:
        body = article(language)
        times = milliseconds(language, body, runs)
        print(f"{language:<10}{len(body):>12,}{statistics.median(times):>12.2f}{min(times):>12.2f}")


if __name__ == "__main__":
    main()
