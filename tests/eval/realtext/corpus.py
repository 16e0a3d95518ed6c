"""Load a real-text set (sources + labels) and read each labelled text out of a local git mirror.

A set lives in ``tests/eval/realtext/<set>/``: ``sources.yaml`` names the public repositories (with the commit
the labels were made on) and ``labels.yaml`` the texts, their events and hard negatives. Texts are read with
``git --git-dir <mirror> show <commit>:<path>`` and never stored in this repository.

Record selectors (``record:``) a label may use, when one file holds more than one text:

- absent: the whole file. With ``fields`` it is one JSON object; without, plain text (``fields.title:
  first_line`` makes the first line the title).
- ``line:N``: the N-th line (1-based) of a JSON-lines file, one JSON object.
- ``json:<path>``: a dotted key path into a JSON document; integer parts index lists (``json:items.17``).
- ``csv:N``: the N-th data row (1-based, after the header) of a CSV file; ``fields`` name columns.
- ``lines:A-B``: lines A to B (1-based, inclusive) of a plain-text file.
- ``front_matter``: a Markdown post (Jekyll, Hugo, Jigsaw): the title is the front matter's ``title`` and the
  body the Markdown after it, rendered as text (lines of a paragraph joined by a space, backslash escapes
  and inline HTML tags dropped, paragraphs kept apart by a blank line).
- ``front_matter_html``: a post whose body is HTML (WordPress exports republishing wire copy): the title is
  the front matter's ``title`` or else ``post_title``; block tags (``p``, ``div``, ``br``, headings, list
  items) end a paragraph, other tags are dropped, entities decoded, spaces inside a paragraph collapsed.
- ``linked_post``: a Markdown post that opens with a link to the article it reproduces (trend and news
  aggregators): after the front matter, the first line that is a whole Markdown link ``[headline](url)`` gives
  the title (inline tags dropped), image lines ``![..](..)`` are dropped, the rest is rendered as for
  ``front_matter``; a ``<details>`` block (a second copy of the post) and what follows it is left out.
- ``xml:<element>:N``: the N-th (1-based, document order) ``<element>`` of an XML file (RSS items and the
  like); ``fields`` name its child elements (``fields: {title: title, body: description}``).
- ``zip:<member>``: the file is a zip archive; read its member ``<member>`` as the file.
  ``zip:<member>!<selector>`` then applies a selector above to the member (``zip:2015-07-21.json!json:17``).
- ``gzip``: the file is gzip-compressed; read it decompressed. ``gzip!<selector>`` applies a selector after.

``fields`` keys may be dotted paths into nested objects (``properties.title.stringValue``); a key that exists
as it is in the record wins over a path.

A label may name its text's ``speaker`` (a gazetteer person id, ``Article.speaker``: the leader a
president's transcript speaks as); a repository in ``sources.yaml`` may give one for all its texts.
An event whose day the text does not give (its ``date`` comes from outside the text) says
``day_stated: false``; ``scoring.py`` then accepts an undated finding of it (docs/evaluation.md).

The text is ``title + "\\n\\n" + body`` when a title exists, else the body; both are stripped and ``\\r\\n``
becomes ``\\n``. Evidence offsets are character offsets into that text.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

SETS_ROOT = Path(__file__).resolve().parent
DEFAULT_MIRRORS = Path("/work/.mirror")
CALL_CEASEFIRE_TYPES = ("leader_call", "official_contact", "ceasefire_declared", "ceasefire_violated")
# Issue 20's event types, scored by the ``types`` set.
ISSUE20_TYPES = (
    "leader_meeting",
    "agreement_signed",
    "armed_attack",
    "sanctions",
    "protest",
    "mobilization",
    "threat",
    "aid",
)
EVENT_TYPES = CALL_CEASEFIRE_TYPES + ISSUE20_TYPES
# Types whose labels must name the people taking part (gazetteer ids).
PERSON_TYPES = ("leader_call", "official_contact", "leader_meeting")
NEGATIVE_KINDS = (
    "minister",
    "vice_president",
    "adviser",
    "in_person",
    "planned",
    "requested",
    "appeal",
    "negated",
    "background",
    "conditional",
    "other",
    # issue 20's types (the "must not fire on" column of the issue)
    "cancelled",
    "call",
    "caption",
    "talks",
    "draft",
    "proposal",
    "exercise",
    "threat",
    "historical",
    "figurative",
    "denial",
    "drill",
    "hypothetical",
    "anniversary",
)
LANGUAGES = ("en", "ru", "zh", "ar", "fr", "es", "tr", "de", "uk")
SPLITS = ("tune", "heldout")


class CorpusError(Exception):
    """A set's files are malformed, or a text cannot be read or does not match its label."""


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 bytes of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SourceRepo:
    """One public repository the set's texts are read from, pinned to a commit."""

    name: str
    source: str  # github:owner/repo
    commit: str
    licence: str
    what: str
    speaker: str | None = None  # the leader the repository's texts speak as (default of its texts' speaker)

    @property
    def owner_repo(self) -> str:
        return self.source.removeprefix("github:")


@dataclass(frozen=True)
class Span:
    """A labelled character span of a text with the hash of its content."""

    start: int
    end: int
    sha256: str

    def check(self, text: str) -> str | None:
        """None when the span is inside the text and its hash matches, else what is wrong."""
        if not 0 <= self.start < self.end <= len(text):
            return f"span {self.start}:{self.end} is outside the text ({len(text)} chars)"
        got = sha256_text(text[self.start : self.end])
        if got != self.sha256:
            return f"span {self.start}:{self.end} hash {got[:12]} != {self.sha256[:12]}"
        return None

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class LabelledEvent:
    """An event the text reports as new: what a detector must find."""

    type: str
    date: str
    evidence: Span
    reason: str
    participants: tuple[str, ...] | None = None
    conflict: str | None = None
    parties: tuple[str, ...] | None = None  # ISO3 codes of the states taking part (issue 20's types)
    place: str | None = None  # where it happened, as the text names it (not scored yet)
    day_stated: bool = True  # False: the text gives no day, ``date`` comes from outside it (scoring.py)


@dataclass(frozen=True)
class Negative:
    """A hard negative: a span a careless detector would fire on, and why it is not an event."""

    kind: str
    evidence: Span
    reason: str


@dataclass(frozen=True)
class TextLabel:
    """One labelled text: where it is, how to build it, its hash, events and negatives."""

    id: str
    repo: str
    path: str
    language: str
    published: str
    sha256: str
    record: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)
    split: str = "tune"
    speaker: str | None = None  # the leader the text speaks as (Article.speaker); else its repository's
    types: tuple[str, ...] | None = None  # the event types the text was labelled for; None: every type
    events: tuple[LabelledEvent, ...] = ()
    negatives: tuple[Negative, ...] = ()

    @property
    def has_title(self) -> bool:
        return bool(self.fields.get("title")) or self.record == "front_matter"


@dataclass(frozen=True)
class EvalSet:
    """A set's sources and labelled texts."""

    name: str
    sources: dict[str, SourceRepo]
    texts: tuple[TextLabel, ...]


def _need(item: dict[str, Any], key: str, where: str) -> Any:
    if key not in item or item[key] is None:
        raise CorpusError(f"{where}: missing '{key}'")
    return item[key]


def _day(value: Any, where: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise CorpusError(f"{where}: '{value}' is not a YYYY-MM-DD date") from exc


def _span(item: Any, where: str) -> Span:
    if not isinstance(item, dict):
        raise CorpusError(f"{where}: evidence must be a mapping {{start, end, sha256}}")
    try:
        return Span(int(_need(item, "start", where)), int(_need(item, "end", where)), str(item["sha256"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"{where}: evidence needs integer start/end and a sha256 ({exc})") from exc


def _event(item: dict[str, Any], where: str) -> LabelledEvent:
    kind = str(_need(item, "type", where))
    if kind not in EVENT_TYPES:
        raise CorpusError(f"{where}: unknown event type '{kind}' (one of {', '.join(EVENT_TYPES)})")
    participants = item.get("participants")
    if kind in PERSON_TYPES and not participants:
        raise CorpusError(f"{where}: a {kind} needs participants")
    parties = item.get("parties")
    if parties is not None and (
        not isinstance(parties, list) or not all(isinstance(p, str) and len(p) == 3 for p in parties)
    ):
        raise CorpusError(f"{where}: parties must be a list of ISO3 country codes")
    return LabelledEvent(
        type=kind,
        date=_day(_need(item, "date", where), where),
        evidence=_span(_need(item, "evidence", where), where),
        reason=str(_need(item, "reason", where)),
        participants=tuple(str(p) for p in participants) if participants else None,
        conflict=str(item["conflict"]) if item.get("conflict") else None,
        parties=tuple(str(p).upper() for p in parties) if parties else None,
        place=str(item["place"]) if item.get("place") else None,
        day_stated=_flag(item.get("day_stated", True), "day_stated", where),
    )


def _flag(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise CorpusError(f"{where}: '{key}' must be true or false")
    return value


def _negative(item: dict[str, Any], where: str) -> Negative:
    kind = str(_need(item, "kind", where))
    if kind not in NEGATIVE_KINDS:
        raise CorpusError(f"{where}: unknown negative kind '{kind}' (one of {', '.join(NEGATIVE_KINDS)})")
    return Negative(kind, _span(_need(item, "evidence", where), where), str(_need(item, "reason", where)))


def _text_label(item: dict[str, Any], where: str, sources: dict[str, SourceRepo]) -> TextLabel:
    text_id = str(_need(item, "id", where))
    where = f"{where} ({text_id})"
    repo = str(_need(item, "repo", where))
    if repo not in sources:
        raise CorpusError(f"{where}: repo '{repo}' is not in sources.yaml")
    language = str(_need(item, "language", where))
    if language not in LANGUAGES:
        raise CorpusError(f"{where}: language '{language}' is not one of {', '.join(LANGUAGES)}")
    split = str(item.get("split") or "tune")
    if split not in SPLITS:
        raise CorpusError(f"{where}: split '{split}' is not one of {', '.join(SPLITS)}")
    fields = item.get("fields") or {}
    if not isinstance(fields, dict):
        raise CorpusError(f"{where}: fields must be a mapping")
    return TextLabel(
        id=text_id,
        repo=repo,
        path=str(_need(item, "path", where)),
        language=language,
        published=_day(_need(item, "published", where), where),
        sha256=str(_need(item, "sha256", where)),
        record=str(item["record"]) if item.get("record") else None,
        fields={str(k): (None if v is None else str(v)) for k, v in fields.items()},
        split=split,
        speaker=str(item.get("speaker") or sources[repo].speaker or "") or None,
        types=_types(item.get("types"), where),
        events=tuple(
            _event(e, f"{where} event {i}") for i, e in enumerate(item.get("events") or [], start=1)
        ),
        negatives=tuple(
            _negative(n, f"{where} negative {i}") for i, n in enumerate(item.get("negatives") or [], start=1)
        ),
    )


def _types(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(v in EVENT_TYPES for v in value):
        raise CorpusError(f"{where}: types must be a list of event types ({', '.join(EVENT_TYPES)})")
    return tuple(str(v) for v in value)


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path} is not valid YAML: {exc}") from exc


def label_files(folder: Path) -> list[Path]:
    """A set's label files: ``labels.yaml`` and/or every ``labels/*.yaml`` (one per language, say), sorted."""
    files = [folder / "labels.yaml"] if (folder / "labels.yaml").is_file() else []
    files += sorted((folder / "labels").glob("*.yaml"))
    if not files:
        raise CorpusError(f"{folder} has neither labels.yaml nor labels/*.yaml")
    return files


def load_set(name: str, root: Path = SETS_ROOT) -> EvalSet:
    """The set ``root/name``: its sources and labels, checked for shape (not yet against the texts)."""
    folder = root / name
    texts: list[Any] = []
    for path in label_files(folder):
        doc = _yaml(path) or {}
        # A file's ``types`` (the types its texts are labelled for) applies to each text without its own.
        for item in doc.get("texts") or []:
            if doc.get("types") is not None and isinstance(item, dict):
                item.setdefault("types", doc["types"])
            texts.append(item)
    return parse_set(name, _yaml(folder / "sources.yaml"), {"texts": texts}, folder)


def parse_set(name: str, sources_doc: Any, labels_doc: Any, folder: Path) -> EvalSet:
    """A set from its parsed ``sources.yaml`` and ``labels.yaml`` (``folder`` names them in errors)."""
    sources: dict[str, SourceRepo] = {}
    for i, item in enumerate((sources_doc or {}).get("repos") or [], start=1):
        where = f"{folder / 'sources.yaml'} repo {i}"
        repo = SourceRepo(
            name=str(_need(item, "name", where)),
            source=str(_need(item, "source", where)),
            commit=str(_need(item, "commit", where)),
            licence=str(item.get("licence") or ""),
            what=str(item.get("what") or ""),
            speaker=str(item["speaker"]) if item.get("speaker") else None,
        )
        if len(repo.commit) != 40:
            raise CorpusError(f"{where}: commit must be 40 hex digits")
        sources[repo.name] = repo
    texts = tuple(
        _text_label(item, f"{folder / 'labels.yaml'} text {i}", sources)
        for i, item in enumerate((labels_doc or {}).get("texts") or [], start=1)
    )
    seen: set[str] = set()
    for text in texts:
        if text.id in seen:
            raise CorpusError(f"{folder / 'labels.yaml'}: id '{text.id}' is used twice")
        seen.add(text.id)
    return EvalSet(name, sources, texts)


def find_mirror(source: SourceRepo, mirrors: Path = DEFAULT_MIRRORS) -> Path:
    """The bare git directory of ``source`` under ``mirrors`` (``owner+repo/repo[/.git]``)."""
    base = mirrors / source.owner_repo.replace("/", "+")
    for candidate in (base, base / "repo", base / "repo" / ".git", base / ".git"):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    raise CorpusError(f"no git mirror of {source.source} under {mirrors} (bring it in with fetch)")


def read_blob(git_dir: Path, commit: str, path: str) -> bytes:
    """The bytes of ``path`` at ``commit`` in the bare repository ``git_dir``."""
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CorpusError(f"git show {commit[:12]}:{path} failed: {message[-1] if message else 'no output'}")
    return done.stdout


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where} is not UTF-8: {exc}") from exc


def _json(raw: str, where: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where} is not JSON: {exc}") from exc


def _walk(doc: Any, dotted: str, where: str) -> Any:
    for part in dotted.split("."):
        if isinstance(doc, list):
            try:
                doc = doc[int(part)]
            except (ValueError, IndexError) as exc:
                raise CorpusError(f"{where}: no list item '{part}' in json:{dotted}") from exc
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            raise CorpusError(f"{where}: no key '{part}' in json:{dotted}")
    return doc


def _nth(lines: list[str], n: int, where: str) -> str:
    if not 1 <= n <= len(lines):
        raise CorpusError(f"{where}: line {n} is outside the file ({len(lines)} lines)")
    return lines[n - 1]


def _record_fields(record: Any, fields: dict[str, str | None], where: str) -> tuple[str | None, str]:
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: the record is not an object")
    body_key = fields.get("body")
    if not body_key:
        raise CorpusError(f"{where}: a JSON/CSV record needs fields.body")
    title_key = fields.get("title")
    body = _field(record, body_key, where)
    title = _field(record, title_key, where) if title_key else None
    if isinstance(body, list):  # some scrapes keep paragraphs as a list
        body = "\n\n".join(str(p) for p in body)
    return (None if title is None else str(title)), str(body or "")


def _field(record: dict[str, Any], key: str, where: str) -> Any:
    """The record's field ``key``: the key as it is, else a dotted path into nested objects."""
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise CorpusError(f"{where}: the record has no field '{key}'")
        value = value[part]
    return value


def _unpack(raw: bytes, record: str, where: str) -> tuple[bytes, str | None]:
    """The bytes a ``zip:``/``gzip`` selector names, and the selector to apply to them (or None)."""
    outer, bang, inner = record.partition("!")
    kind, _, member = outer.partition(":")
    if bang and not inner:
        raise CorpusError(f"{where}: '{record}' has nothing after '!'")
    if kind == "gzip":
        try:
            return gzip.decompress(raw), inner or None
        except (OSError, EOFError) as exc:
            raise CorpusError(f"{where}: not a gzip file ({exc})") from exc
    if not member:
        raise CorpusError(f"{where}: '{record}' needs a member name (zip:<member>)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return archive.read(member), inner or None
    except zipfile.BadZipFile as exc:
        raise CorpusError(f"{where}: not a zip archive ({exc})") from exc
    except KeyError as exc:
        raise CorpusError(f"{where}: the zip archive has no member '{member}'") from exc


def select(
    raw: bytes, record: str | None, fields: dict[str, str | None], where: str
) -> tuple[str | None, str]:
    """The (title, body) of the selected record of a file's bytes."""
    if record is not None and (record == "gzip" or record.startswith(("gzip!", "zip:"))):
        unpacked, inner = _unpack(raw, record, where)
        return select(unpacked, inner, fields, where)
    content = _decode(raw, where).replace("\r\n", "\n")
    if record is None:
        if fields.get("body"):
            return _record_fields(_json(content, where), fields, where)
        if fields.get("title") == "first_line":
            title, _, body = content.strip().partition("\n")
            return title, body
        return None, content
    kind, _, arg = record.partition(":")
    if kind == "line":
        line = _nth(content.split("\n"), _int(arg, record, where), where)
        return _record_fields(_json(line, where), fields, where)
    if kind == "json":
        return _record_fields(_walk(_json(content, where), arg, where), fields, where)
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(content)))
        return _record_fields(_nth(rows, _int(arg, record, where), where), fields, where)  # type: ignore[arg-type]
    if kind == "lines":
        first, _, last = arg.partition("-")
        lines = content.split("\n")
        a, b = _int(first, record, where), _int(last or first, record, where)
        if not 1 <= a <= b <= len(lines):
            raise CorpusError(f"{where}: lines {a}-{b} are outside the file ({len(lines)} lines)")
        chunk = "\n".join(lines[a - 1 : b])
        if fields.get("title") == "first_line":
            title, _, body = chunk.strip().partition("\n")
            return title, body
        return None, chunk
    if kind == "xml":
        return _record_fields(_xml_element(content, arg, record, where), fields, where)
    if kind == "front_matter":
        return _front_matter(content, where)
    if kind == "linked_post":
        return _linked_post(content, where)
    if kind == "front_matter_html":
        html_title, html_body = _front_matter(
            content, where, title_keys=("title", "post_title"), render=render_html
        )
        return html.unescape(html_title or ""), html_body
    raise CorpusError(
        f"{where}: unknown record selector '{record}' (line:N, json:path, csv:N, lines:A-B, xml:element:N,"
        " front_matter,"
        " front_matter_html, linked_post,"
        " zip:<member>[!selector], gzip[!selector])"
    )


def _xml_element(content: str, arg: str, record: str, where: str) -> dict[str, str]:
    """The N-th ``<element>`` of an XML document as {child tag: child text}."""
    tag, _, n = arg.rpartition(":")
    if not tag:
        raise CorpusError(f"{where}: '{record}' needs an element name and a number (xml:item:3)")
    try:
        root = ElementTree.fromstring(content.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise CorpusError(f"{where}: not well-formed XML: {exc}") from exc
    elements, index = list(root.iter(tag)), _int(n, record, where)
    if not 1 <= index <= len(elements):
        raise CorpusError(f"{where}: the file has {len(elements)} <{tag}> elements, not {index}")
    element = elements[index - 1]
    return {child.tag: "".join(child.itertext()) for child in element}


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~'\"])")
_INLINE_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_TITLE_LINE = re.compile(r"^title:\s*(.*)$", re.MULTILINE)


def _front_matter(
    content: str,
    where: str,
    title_keys: tuple[str, ...] = ("title",),
    render: Callable[[str], str] | None = None,
) -> tuple[str | None, str]:
    lines = content.split("\n")
    if not lines or lines[0].strip() != "---":
        raise CorpusError(f"{where}: no front matter (the file does not start with ---)")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise CorpusError(f"{where}: the front matter has no closing ---")
    header = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError:
        meta = None  # titles with ": " in them are not valid YAML; read the title line as it is
    key = next((k for k in title_keys if isinstance(meta, dict) and meta.get(k) is not None), None)
    if key is not None and isinstance(meta, dict):
        title = " ".join(str(meta[key]).split())
    else:
        found = _TITLE_LINE.search(header)
        title = found.group(1).strip() if found else ""
    return title, (render or render_markdown)("\n".join(lines[end + 1 :]))


_LINK_LINE = re.compile(r"^\s*\[(.+)\]\((?:https?://[^()\s]+)\)\s*$")
_IMAGE_LINE = re.compile(r"^\s*!\[[^\n]*\]\([^()\s]*\)\s*$")


def _linked_post(content: str, where: str) -> tuple[str | None, str]:
    _, body = _front_matter(content, where, render=lambda markdown: markdown)
    lines = body.split("\n")
    links = ((i, _LINK_LINE.match(line)) for i, line in enumerate(lines))
    first, link = next(((i, found) for i, found in links if found), (0, None))
    if link is None:
        raise CorpusError(f"{where}: no line is a whole Markdown link [headline](url)")
    title = " ".join(_INLINE_TAG.sub("", link.group(1)).split())
    rest = lines[first + 1 :]
    details = next((i for i, line in enumerate(rest) if line.strip().startswith("<details")), len(rest))
    kept = [line for line in rest[:details] if not _IMAGE_LINE.match(line)]
    return title, render_markdown("\n".join(kept))


_HTML_BLOCK = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|table|blockquote|section|article)\b[^<>]*>", re.I
)


def render_html(markup: str) -> str:
    """HTML body as plain text: block tags end a paragraph, other tags dropped, entities decoded."""
    blocks = _HTML_BLOCK.sub("\n\n", markup)
    paragraphs = []
    for block in re.split(r"\n\s*\n", blocks):
        joined = html.unescape(_INLINE_TAG.sub("", " ".join(block.split())))
        joined = " ".join(joined.split())
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def render_markdown(markdown: str) -> str:
    """Markdown body as plain text: soft-wrapped lines joined, escapes and inline tags dropped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown):
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        joined = _MD_ESCAPE.sub(r"\1", _INLINE_TAG.sub("", joined)).strip()
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _int(value: str, record: str, where: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise CorpusError(f"{where}: '{record}' needs a number") from exc


def build_text(title: str | None, body: str) -> str:
    """The evaluated text: title, a blank line and the body when there is a title."""
    body = body.replace("\r\n", "\n").strip()
    title = (title or "").replace("\r\n", "\n").strip()
    return f"{title}\n\n{body}" if title else body


def split_title(text: str, label: TextLabel) -> tuple[str, str]:
    """(title, body) of an extracted text, as the detector should see it."""
    if label.has_title:
        title, _, body = text.partition("\n\n")
        return title, body
    return "", text


def read_text(label: TextLabel, evalset: EvalSet, mirrors: Path = DEFAULT_MIRRORS) -> str:
    """The labelled text, read out of its mirror (not yet checked against the label's hash)."""
    source = evalset.sources[label.repo]
    where = f"{label.id} ({source.source}:{label.path}{' ' + label.record if label.record else ''})"
    raw = read_blob(find_mirror(source, mirrors), source.commit, label.path)
    title, body = select(raw, label.record, label.fields, where)
    return build_text(title, body)


def check_text(label: TextLabel, text: str) -> list[str]:
    """Every mismatch between a text and its label: the text's hash and each evidence span."""
    problems: list[str] = []
    got = sha256_text(text)
    if got != label.sha256:
        problems.append(f"{label.id}: text hash {got[:12]} != label {label.sha256[:12]}")
    spans = [(f"event {i}", e.evidence) for i, e in enumerate(label.events, start=1)]
    spans += [(f"negative {i}", n.evidence) for i, n in enumerate(label.negatives, start=1)]
    for what, span in spans:
        problem = span.check(text)
        if problem:
            problems.append(f"{label.id} {what}: {problem}")
    return problems
