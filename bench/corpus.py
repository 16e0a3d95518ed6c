"""A realistic article stream for the end-to-end benchmark, built offline from real text.

Sources of the prose (all on this machine, nothing downloaded):

- the five seed news articles (``/work/shared/seeds`` or ``NEWSWATCH_SEEDS_DIR``): real 2020 news text;
- the labelled evaluation passages in ``tests/eval`` (news-style passages written for this project):
  true leader calls and ceasefire violations become the ~1% *event* articles, the traps (negations,
  plans, appeals, old captions) are mixed into ordinary articles so detection works on hard text too;
- real English prose that ships with Python and the installed packages: the ``pydoc_data.topics``
  help texts and the module, class and function docstrings of the standard library and of the venv's
  site-packages (read with ``ast``, nothing imported);
- a small hand-written pool of French, German, Spanish, Russian and Turkish news sentences (in this
  file, written for the benchmark), plus the non-English eval passages: about 8% of the stream.

Stream shape (per ``build_stream``): one day of news, published times spread over 24 h; lengths vary
(40% feed summaries of 30-120 words, 60% full texts of 150-1,200 words); ~30% duplicates of an earlier
article (exact republication under a new URL, a re-fetch of the same URL, headline changed, page
chrome added, truncated to a lead, whitespace and quote style changed, or chrome plus truncation);
~1% event articles (a labelled true event passage as the lead, followed by ordinary prose).
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import re
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streams.records import Article  # noqa: E402

CACHE_VERSION = 1
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_PROSE_CHARS = re.compile(r"[A-Za-z ,.;:'\"()?!-]")

SITES = [
    "dailyglobe.example", "wirewatch.example", "northpost.example", "eveningherald.example",
    "metrotimes.example", "coastalnews.example", "capitalreport.example", "asiawire.example",
    "africadesk.example", "eurobulletin.example", "pacificpress.example", "andeannews.example",
    "balticbrief.example", "gulfobserver.example", "prairiejournal.example", "harbourgazette.example",
]  # fmt: skip
CHROME_TOP = [
    "Home | World | Politics | Business | Tech | Sport | Opinion",
    "Menu  Search  Sign in  Subscribe",
    "Share on Facebook  Share on Twitter  Email  Print",
]
CHROME_BOTTOM = [
    "Sign up for our newsletter to get the day's top stories every morning.",
    "Related articles",
    "Most read",
    "Copyright 2026 Example Media Group. All rights reserved.",
    "Follow us on social media  |  Terms of use  |  Cookie settings",
]

# Hand-written for this benchmark (not copied): ordinary news sentences in five languages.
FOREIGN: dict[str, list[str]] = {
    "fr": [
        "Le gouvernement a présenté mercredi un projet de loi sur la rénovation énergétique des logements.",
        "Les syndicats appellent à une nouvelle journée de mobilisation contre la réforme des retraites.",
        "La préfecture a ordonné la fermeture de plusieurs écoles en raison des inondations dans le sud.",
        "Selon l'Insee, l'inflation a ralenti en octobre pour le troisième mois consécutif.",
        "Le maire de la ville a inauguré une nouvelle ligne de tramway reliant la gare à l'université.",
        "Les agriculteurs manifestent devant le ministère pour réclamer une baisse des charges.",
        "Une étude publiée lundi montre une hausse des températures moyennes dans les Alpes.",
        "Le tribunal administratif a suspendu l'arrêté municipal interdisant les terrasses après minuit.",
        "La compagnie aérienne annonce l'ouverture de trois nouvelles liaisons vers l'Afrique de l'Ouest.",
        "Les négociations salariales dans l'industrie automobile reprendront la semaine prochaine.",
        "Des milliers de spectateurs ont assisté au festival de musique malgré la pluie.",
        "Le président du conseil régional a promis des investissements dans les lycées professionnels.",
    ],
    "de": [
        "Die Bundesregierung hat am Mittwoch einen Entwurf für ein neues Klimaschutzgesetz vorgelegt.",
        "In mehreren Bundesländern streiken heute die Beschäftigten des öffentlichen Nahverkehrs.",
        "Die Inflationsrate ist im Oktober nach Angaben des Statistischen Bundesamtes leicht gesunken.",
        "Der Stadtrat beschloss den Bau einer neuen Brücke über den Rhein bis zum Jahr 2030.",
        "Nach dem Unwetter sind zahlreiche Straßen im Süden des Landes weiterhin gesperrt.",
        "Die Gewerkschaft fordert acht Prozent mehr Lohn für die Beschäftigten im Einzelhandel.",
        "Forscher der Universität haben ein neues Verfahren zur Speicherung von Solarstrom entwickelt.",
        "Der Autobauer kündigte an, im kommenden Jahr rund tausend Stellen abzubauen.",
        "Am Flughafen kam es wegen eines Warnstreiks zu zahlreichen Ausfällen und Verspätungen.",
        "Die Polizei ermittelt nach einem Brand in einer Lagerhalle am Stadtrand.",
        "Der Landtag debattierte stundenlang über die Finanzierung der Krankenhäuser.",
        "Das Museum zeigt ab Freitag eine Ausstellung über die Geschichte der Hanse.",
    ],
    "es": [
        "El Gobierno aprobó el martes un paquete de ayudas para los agricultores afectados por la sequía.",
        "Miles de personas se manifestaron en la capital para exigir mejoras en la sanidad pública.",
        "El banco central mantuvo sin cambios los tipos de interés por tercera reunión consecutiva.",
        "Las lluvias torrenciales obligaron a evacuar a cientos de vecinos en la costa mediterránea.",
        "El alcalde anunció la ampliación de la red de metro con cuatro nuevas estaciones.",
        "Los sindicatos y la patronal firmaron un acuerdo para subir los salarios del sector turístico.",
        "Un estudio de la universidad revela que el consumo de agua ha caído un diez por ciento.",
        "La empresa energética invertirá dos mil millones en parques eólicos marinos.",
        "El tribunal supremo anuló la sentencia y ordenó repetir el juicio.",
        "La selección nacional venció por dos goles a uno en un partido muy disputado.",
        "El Parlamento debatirá la próxima semana la reforma de la ley de vivienda.",
        "Las exportaciones crecieron con fuerza gracias a la demanda de los mercados asiáticos.",
    ],
    "ru": [
        "Правительство в среду представило проект бюджета на следующие три года.",
        "В нескольких регионах страны из-за снегопадов ограничено движение на трассах.",
        "Центральный банк сохранил ключевую ставку на прежнем уровне.",
        "Мэрия объявила о строительстве новой линии метро до аэропорта.",
        "Учёные университета разработали новый способ очистки воды от микропластика.",
        "Профсоюзы требуют повышения зарплат работникам здравоохранения.",
        "На выставке в Москве представлены работы молодых художников из разных городов.",
        "Экспорт зерна в этом сезоне вырос почти на пятнадцать процентов.",
        "Суд отложил рассмотрение дела до следующего месяца.",
        "Авиакомпания возобновила прямые рейсы в несколько городов Азии.",
        "В парламенте обсуждают поправки к закону о местном самоуправлении.",
        "Спасатели эвакуировали жителей посёлка из-за паводка.",
    ],
    "tr": [
        "Hükümet çarşamba günü yeni vergi düzenlemesini Meclis'e sundu.",
        "Merkez Bankası politika faizini sabit tuttuğunu açıkladı.",
        "Şiddetli yağışlar nedeniyle Karadeniz'de bazı yollar ulaşıma kapandı.",
        "Belediye, şehir merkezine yeni bir tramvay hattı yapılacağını duyurdu.",
        "Sendikalar, kamu çalışanları için daha yüksek bir zam talep ediyor.",
        "Üniversitedeki araştırmacılar yeni bir güneş paneli teknolojisi geliştirdi.",
        "İhracat geçen aya göre yüzde sekiz arttı.",
        "Mahkeme davayı gelecek aya erteledi.",
        "Havalimanında sis nedeniyle birçok sefer iptal edildi.",
        "Festival bu yıl rekor sayıda ziyaretçiyi ağırladı.",
        "Tarım bakanlığı kuraklıktan etkilenen çiftçilere destek paketi açıkladı.",
        "Milli takım hazırlık maçında rakibini iki golle yendi.",
    ],
}


@dataclass
class Passage:
    id: str
    published: date
    text: str
    kind: str  # "event" (a labelled true event), "trap" (looks like one, is not), "foreign"
    language: str = "en"


@dataclass
class Sources:
    sentences: list[str]  # English prose sentences, in document order
    events: list[Passage]
    traps: list[Passage]
    foreign: dict[str, list[str]]
    described: dict[str, int]

    @classmethod
    def load(
        cls, seeds_dir: Path | None = None, max_sentences: int = 120_000, cache: Path | None = None
    ) -> Sources:
        """Harvest the sources (about 100 s the first time; later runs read ``cache``, a JSON file)."""
        if cache is not None and cache.is_file():
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("version") == CACHE_VERSION:
                return cls._from_cache(data)
        loaded = cls._harvest(seeds_dir, max_sentences)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(loaded._to_cache()), encoding="utf-8")
        return loaded

    def _to_cache(self) -> dict[str, object]:
        def passages(items: list[Passage]) -> list[dict[str, str]]:
            return [{"id": p.id, "published": p.published.isoformat(), "text": p.text, "kind": p.kind,
                     "language": p.language} for p in items]  # fmt: skip

        return {
            "version": CACHE_VERSION, "sentences": self.sentences, "events": passages(self.events),
            "traps": passages(self.traps), "foreign": self.foreign, "described": self.described,
        }  # fmt: skip

    @classmethod
    def _from_cache(cls, data: dict[str, Any]) -> Sources:
        def passages(items: list[dict[str, str]]) -> list[Passage]:
            return [
                Passage(p["id"], date.fromisoformat(p["published"]), p["text"], p["kind"], p["language"])
                for p in items
            ]

        return cls(
            data["sentences"],
            passages(data["events"]),
            passages(data["traps"]),
            data["foreign"],
            data["described"],
        )

    @classmethod
    def _harvest(cls, seeds_dir: Path | None, max_sentences: int) -> Sources:
        described: dict[str, int] = {}
        sentences: list[str] = []
        seeds = _seed_sentences(seeds_dir)
        described["seed news articles (sentences)"] = len(seeds)
        pydoc = _pydoc_sentences()
        described["pydoc_data.topics (sentences)"] = len(pydoc)
        docs = _stdlib_docstring_sentences(max_sentences - len(pydoc) - len(seeds))
        described["stdlib + installed packages' docstrings (sentences)"] = len(docs)
        sentences = seeds * 3 + pydoc + docs  # news prose weighted up: it is the smallest source
        events, traps, foreign_passages = _eval_passages()
        described["eval passages: true events"] = len(events)
        described["eval passages: traps"] = len(traps)
        foreign = {lang: list(pool) for lang, pool in FOREIGN.items()}
        for passage in foreign_passages:
            foreign.setdefault(passage.language, []).append(passage.text)
        described["non-English sentences"] = sum(len(v) for v in foreign.values())
        return cls(sentences, events, traps, foreign, described)


def _split(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]


def _is_prose(sentence: str) -> bool:
    if not 40 <= len(sentence) <= 400 or ">>>" in sentence or "::" in sentence or "_" in sentence:
        return False
    if not sentence[0].isupper() or sentence[-1] not in ".!?":
        return False
    return len(_PROSE_CHARS.findall(sentence)) >= 0.95 * len(sentence)


def _seed_sentences(seeds_dir: Path | None) -> list[str]:
    candidates = [seeds_dir] if seeds_dir else []
    candidates += [REPO.parent / "shared" / "seeds", REPO / "tests" / "data" / "seeds"]
    for folder in candidates:
        if folder and folder.is_dir() and list(folder.glob("0*.txt")):
            out: list[str] = []
            for path in sorted(folder.glob("0*.txt")):
                for paragraph in path.read_text(encoding="utf-8").split("\n"):
                    out.extend(s for s in _split(paragraph) if len(s) >= 40)
            return out
    return []


def _pydoc_sentences() -> list[str]:
    try:
        from pydoc_data.topics import topics
    except ImportError:
        return []
    out: list[str] = []
    for text in topics.values():
        for paragraph in text.split("\n\n"):
            if paragraph.startswith((" ", "\t")):  # code and grammar blocks
                continue
            out.extend(s for s in _split(paragraph) if _is_prose(s))
    return out


def _stdlib_docstring_sentences(limit: int) -> list[str]:
    roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]
    out: list[str] = []
    paths = [p for root in roots for p in sorted(root.rglob("*.py"))]
    for path in paths:
        if {"test", "tests", "idlelib"} & set(path.parts) or (
            "site-packages" in path.parts and roots[0] == roots[1]
        ):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    for paragraph in doc.split("\n\n"):
                        out.extend(s for s in _split(paragraph) if _is_prose(s))
        if len(out) >= limit:
            break
    return out[:limit]


def _eval_passages() -> tuple[list[Passage], list[Passage], list[Passage]]:
    events: list[Passage] = []
    traps: list[Passage] = []
    foreign: list[Passage] = []
    folder = REPO / "tests" / "eval"
    for path in sorted(folder.glob("passages_*.yaml")):  # not heldout/: that stays unseen
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            published = item["published"]
            if isinstance(published, str):
                published = date.fromisoformat(published)
            text = " ".join(str(item["text"]).split())
            expect = item.get("expect") or []
            if str(item["id"]).startswith("lang-"):
                language = _guess_language(text)
                foreign.append(Passage(item["id"], published, text, "foreign", language))
            elif any(e.get("type") in ("leader_call", "ceasefire_violated") for e in expect):
                events.append(Passage(item["id"], published, text, "event"))
            elif not expect:
                traps.append(Passage(item["id"], published, text, "trap"))
    return events, traps, foreign


def _guess_language(text: str) -> str:
    lowered = text.lower()
    if any(w in lowered for w in (" der ", " dem ", " hat ", " und ")):
        return "de"
    if any(w in lowered for w in (" el ", " por ", " con ")):
        return "es"
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "ru"
    return "fr"


# ------------------------------------------------------------------ the stream


@dataclass
class Item:
    article: Article
    kind: str  # unique | event | foreign | dup:<variant>
    key: bytes
    value: bytes


DUP_VARIANTS = ("exact_new_url", "refetch", "headline", "chrome", "lead", "whitespace", "chrome_lead")


class StreamBuilder:
    """Deterministic generator of a day of news (see the module docstring for the shape)."""

    def __init__(
        self,
        sources: Sources,
        *,
        seed: int = 7,
        day: date = date(2020, 11, 9),
        duplicate_rate: float = 0.30,
        event_rate: float = 0.01,
        foreign_rate: float = 0.08,
        trap_rate: float = 0.03,
        run_tag: str = "",
    ) -> None:
        self.src = sources
        self.rng = random.Random(seed)
        self.day = day
        self.duplicate_rate = duplicate_rate
        self.event_rate = event_rate
        self.foreign_rate = foreign_rate
        self.trap_rate = trap_rate
        self.run_tag = run_tag
        self.serial = 0
        self.recent: list[Article] = []  # originals available for duplication (bounded)

    # -- pieces

    def _moment(self) -> datetime:
        start = datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC)
        return start + timedelta(seconds=self.rng.uniform(0, 86_399))

    def _words_target(self) -> int:
        if self.rng.random() < 0.40:
            return self.rng.randint(30, 120)  # a feed summary
        return int(min(1_200, max(150, self.rng.lognormvariate(6.0, 0.5))))  # full text, median ~400

    def _prose(self, words: int) -> list[str]:
        """Paragraphs of real sentences drawn independently from the whole pool.

        Independent draws (not runs of consecutive sentences) keep two unrelated articles from sharing
        a long stretch of text, which the containment test would rightly call a near-duplicate.
        """
        pool = self.src.sentences
        out: list[str] = []
        count = 0
        paragraph: list[str] = []
        size = self.rng.randint(2, 5)
        while count < words:
            sentence = pool[self.rng.randrange(len(pool))]
            paragraph.append(sentence)
            count += sentence.count(" ") + 1
            if len(paragraph) >= size:
                out.append(" ".join(paragraph))
                paragraph = []
                size = self.rng.randint(2, 5)
        if paragraph:
            out.append(" ".join(paragraph))
        return out

    def _headline(self, text: str) -> str:
        words = text.split()[: self.rng.randint(6, 12)]
        return " ".join(words).rstrip(".,;:") if words else "News"

    def _new_article(
        self, paragraphs: list[str], published: datetime, language: str | None = None
    ) -> Article:
        self.serial += 1
        site = self.rng.choice(SITES)
        digest = hashlib.blake2b(f"{self.run_tag}/{self.serial}".encode(), digest_size=8).hexdigest()
        text = "\n\n".join(paragraphs)
        return Article(
            id=f"b{self.run_tag}-{self.serial}-{digest[:6]}",
            url=f"https://{site}/{published:%Y/%m/%d}/{digest}",
            title=self._headline(paragraphs[0]),
            text=text,
            published=published,
            language=language,
            source_site=site,
            source_feed=f"https://{site}/rss",
            connector="bench",
        )

    def unique(self) -> Item:
        published = self._moment()
        paragraphs = self._prose(self._words_target())
        if self.rng.random() < self.trap_rate / max(1e-9, 1 - self.duplicate_rate):
            trap = self.rng.choice(self.src.traps)
            paragraphs.insert(self.rng.randrange(len(paragraphs) + 1), trap.text)
        return self._item(self._new_article(paragraphs, published), "unique")

    def foreign(self) -> Item:
        language = self.rng.choice(sorted(self.src.foreign))
        pool = self.src.foreign[language]
        chosen = self.rng.sample(pool, k=min(len(pool), self.rng.randint(3, 9)))
        paragraphs = [" ".join(chosen[i : i + 3]) for i in range(0, len(chosen), 3)]
        return self._item(self._new_article(paragraphs, self._moment(), None), "foreign")

    def event(self, day_shift: int = 0) -> Item:
        """A true event passage as the lead, published on its labelled weekday in this benchmark's week."""
        passage = self.rng.choice(self.src.events)
        # Keep the weekday (relative dates like "on Thursday" stay right); move the date to this week.
        shift = (self.day - passage.published).days // 7 * 7 + 7 * day_shift
        base = passage.published + timedelta(days=shift)
        published = datetime(base.year, base.month, base.day, tzinfo=UTC) + timedelta(
            seconds=self.rng.uniform(6 * 3600, 20 * 3600)
        )
        paragraphs = [passage.text, *self._prose(self.rng.randint(80, 400))]
        return self._item(self._new_article(paragraphs, published), "event")

    def duplicate(self) -> Item | None:
        if not self.recent:
            return None
        original = self.rng.choice(self.recent)
        variant = self.rng.choice(DUP_VARIANTS)
        self.serial += 1
        site = self.rng.choice(SITES)
        digest = hashlib.blake2b(f"{self.run_tag}/d{self.serial}".encode(), digest_size=8).hexdigest()
        changes: dict[str, object] = {
            "id": f"b{self.run_tag}-{self.serial}-{digest[:6]}",
            "url": f"https://{site}/story/{digest}",
            "source_site": site,
            "source_feed": f"https://{site}/rss",
            "published": original.published + timedelta(minutes=self.rng.randint(1, 240)),
        }
        text = original.text
        paragraphs = text.split("\n\n")
        if variant == "refetch":
            changes["url"] = original.url
            changes["source_site"] = original.source_site
        elif variant == "headline":
            changes["title"] = "UPDATE: " + original.title
        elif variant in ("chrome", "chrome_lead"):
            if variant == "chrome_lead":
                paragraphs = paragraphs[: max(1, (len(paragraphs) + 1) // 2)]
            text = "\n".join(self.rng.sample(CHROME_TOP, 2)) + "\n\n" + "\n\n".join(paragraphs)
            text += "\n\n" + "\n".join(self.rng.sample(CHROME_BOTTOM, 3))
        elif variant == "lead":
            text = "\n\n".join(paragraphs[: max(1, (len(paragraphs) + 1) // 2)])
        elif variant == "whitespace":
            text = text.replace('"', "\u201c").replace(". ", ".  ").replace("\n\n", "\n \n\n")
        changes["text"] = text
        return self._item(original.replace(**changes), f"dup:{variant}")

    def _item(self, article: Article, kind: str) -> Item:
        if not kind.startswith("dup:"):
            if len(self.recent) < 5_000:
                self.recent.append(article)
            else:
                self.recent[self.rng.randrange(len(self.recent))] = article
        return Item(article, kind, article.url.encode(), article.to_json())

    # -- the stream

    def stream(self, count: int) -> Iterator[Item]:
        for _ in range(count):
            roll = self.rng.random()
            item: Item | None = None
            if roll < self.duplicate_rate:
                item = self.duplicate()
            elif roll < self.duplicate_rate + self.event_rate:
                item = self.event()
            elif roll < self.duplicate_rate + self.event_rate + self.foreign_rate:
                item = self.foreign()
            yield item or self.unique()


def describe(items: list[Item]) -> dict[str, float]:
    kinds: dict[str, int] = {}
    words = 0
    size = 0
    for item in items:
        bucket = "duplicate" if item.kind.startswith("dup:") else item.kind
        kinds[bucket] = kinds.get(bucket, 0) + 1
        words += item.article.text.count(" ") + 1
        size += len(item.value)
    n = max(1, len(items))
    out = {f"share_{k}": v / n for k, v in sorted(kinds.items())}
    out["mean_words"] = words / n
    out["mean_bytes"] = size / n
    return out
