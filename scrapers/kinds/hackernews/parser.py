"""Parse a stored Hacker News "Who is hiring?" comment (one Algolia search hit, as sent).

Each top-level comment of the monthly thread is one posting, written by hand: by convention
its first line is ``Company | Role | Location | ...``, but the order, separators and number of
fields vary from comment to comment. :func:`parse_hn_first_line` reads that line as well as it
can (or, when the comment starts with labelled lines such as ``Company: ...``, those lines);
the whole comment, ``comment_text`` (HTML), is the description. ``created_at`` is the posting
date (ISO 8601, UTC); the posting's page is ``news.ycombinator.com/item?id=<objectID>``.
Everything here runs again over every stored comment whenever it changes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from scrapers.parsing import ParseContext, PostingFields, description, load_json_object, text

#: Where a comment can be read on Hacker News itself.
HN_ITEM_URL = "https://news.ycombinator.com/item?id={}"
#: A title made from free text is cut at a word boundary to about this many characters.
MAX_TITLE_CHARS = 120
#: A ``|``-separated field longer than this has run into the description.
MAX_FIELD_CHARS = 100

# ---------------------------------------------------------------------------- first-line parsing
_LINE_BREAK = re.compile(r"<p>|<br\s*/?>|\n", re.IGNORECASE)
# A link's attributes stop at the next "<" and its text at the next "<a" or "</a": patterns that
# could run on to the end of the comment make a hostile comment of unclosed tags take hours.
_LINK = re.compile(
    r"<a\b[^<>]*?href=\"([^\"<>]*)\"[^<>]*>((?:[^<]|<(?!/?a\b))*?)</a>", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^<>]+>")  # stops at the next "<": linear on unclosed tags
_SPACES = re.compile(r"\s+")
_WRAPPING_MARKUP = "*#_ \t"
_DASHES = "-\u2013\u2014"

_URL = re.compile(
    r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:[/?#]\S*)?$", re.IGNORECASE
)
_SALARY = re.compile(
    r"[$€£¥₹]|\b\d+(?:[.,]\d+)?\s?k\b|\bsalary\b|\bequity\b|\bcompensation\b"
    r"|\bper (?:year|hour|annum)\b|/\s?(?:hr|hour|yr|year)\b|\b(?:USD|EUR|GBP|CAD|AUD|CHF)\b",
    re.IGNORECASE,
)
_REMOTE = re.compile(
    r"\b(?:remote|on-?site|on site|hybrid|in-person|in person|in-office|in office|wfh)\b",
    re.IGNORECASE,
)
_EMPLOYMENT = re.compile(
    r"\b(?:full[- ]?time|part[- ]?time|contract(?:or|-to-hire)?s?|freelance|intern(?:ship)?s?"
    r"|permanent|temporary|fixed[- ]term|co-ops?|1099)\b",
    re.IGNORECASE,
)
_VISA = re.compile(r"\b(?:visa|sponsorship|relocation|citizenship|clearance)\b", re.IGNORECASE)
#: Nouns that make a field a job title on their own ("Senior Backend Engineer").
_STRONG_ROLE = re.compile(
    r"\b(?:engineers?|developers?|scientists?|managers?|designers?|leads?|heads? of|directors?"
    r"|architects?|analysts?|researchers?|specialists?|consultants?|editors?|writers?|recruiters?"
    r"|marketers?|advocates?|administrators?|technicians?|programmers?|officers?|professors?"
    r"|faculty|coordinators?|executives?|associates?|technical staff|devops)\b",
    re.IGNORECASE,
)
_ROLE_ABBREVIATIONS = re.compile(r"\b(?:SWEs?|SREs?|PMs?|EMs?|QA|CTO|CEO|CFO|COO|VP|FDEs?)\b")
#: Words that make a field look like a title only when no field has a strong role noun.
_WEAK_ROLE = re.compile(
    r"\b(?:roles?|positions?|openings?|engineering|eng|dev|product|design|sales|gtm|marketing"
    r"|operations|ops|support|research|infra|security|hiring|staff|principal|founding|senior"
    r"|junior|sr|jr|full[- ]?stack|frontend|front[- ]end|backend|back[- ]end|mobile|teams?)\b",
    re.IGNORECASE,
)
#: A Y Combinator batch ("YC 19", "YC F25"): neither a title nor a place.
_YC_BATCH = re.compile(r"^\(?YC\s?[A-Z]?\d+\)?$")
_SEEKING = re.compile(r"^seeking (?:work|freelancers?)\b", re.IGNORECASE)
_HIRING_PREFIX = re.compile(r"^(?:we(?:'re| are) )?hiring(?: for)?:?\s+", re.IGNORECASE)
#: "City, Country" / "City, ST": a first field that is a place, not a company.
_PLACE_PAIR = re.compile(r"^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*, [A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*$")
_PARENTHESES = re.compile(r"\([^()]*\)")
_PLACE_WORD_SPLIT = re.compile(r"[\s,/·&+]+")
_PLACE_CONNECTORS = frozenset(
    {
        "or",
        "and",
        "in",
        "of",
        "the",
        "de",
        "la",
        "le",
        "du",
        "only",
        "area",
        "preferred",
        "based",
        "locations",
        "location",
        "metro",
    }
)
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
_DOMAIN_IN_TEXT = re.compile(r"\.[a-z]{2,}\b")
_URL_IN_PARENS = re.compile(
    r"\s*\([^()]*?(?:https?://|www\.|\b[\w-]+\.[a-z]{2,}\b)[^()]*\)", re.IGNORECASE
)
_URL_AND_REST = re.compile(r"\s+(?:https?://|www\.)\S*.*$", re.IGNORECASE)
_TAGLINE = re.compile(r"\s+[-\u2013\u2014]\s+.*$")  # hyphen, en dash, em dash
_ALTERNATIVE_SEPARATORS = re.compile(r"\s+[\u2013\u2014]\s+|\s*;\s+")
_COMPANY_IN_PROSE = re.compile(
    r"^(?:[Aa]t\s+)?(?P<company>\w[\w.&'-]*(?:\s+(?:\([^)]*\)|[A-Z][\w.&'-]*)){0,4})"
    r"(?:\s+is hiring\b|,\s+we\b|\s+we(?:'re|\u2019re| are)\b)",
)
_LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z /]{1,20}?)\s*:\s*(?P<value>.+)$")
_LABEL_FIELDS = {
    "company": "company",
    "role": "title",
    "roles": "title",
    "position": "title",
    "positions": "title",
    "title": "title",
    "job": "title",
    "location": "location",
    "locations": "location",
    "remote": "remote",
    "onsite": "remote",
    "remote/onsite": "remote",
    "type": "employment_type",
    "job type": "employment_type",
    "employment": "employment_type",
    "employment type": "employment_type",
}
FIELDS = ("company", "title", "location", "remote", "employment_type")


def _fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment of a comment: links become their text, tags go."""

    def link_text(match: re.Match[str]) -> str:
        href, text = html.unescape(match.group(1)), _TAG.sub("", match.group(2))
        text = html.unescape(text).strip()
        # HN shortens long link texts with "..."; the href has the whole URL.
        return href if not text or text.endswith("...") else text

    text = _LINK.sub(link_text, fragment)
    text = html.unescape(_TAG.sub("", text))
    return _SPACES.sub(" ", text).strip()


def hn_text_lines(comment_html: str) -> list[str]:
    """The non-empty lines of a comment as plain text (paragraphs and line breaks split it)."""
    lines = (_fragment_text(part) for part in _LINE_BREAK.split(comment_html or ""))
    return [line for line in (line.strip(_WRAPPING_MARKUP) for line in lines) if line]


def _trim(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (marked with "…")."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-|")
    return f"{cut or text[:limit]}…"


def _split_fields(line: str) -> list[str]:
    """Split a first line on ``|``, except inside parentheses ("Engineer (Lead | Staff)")."""
    fields: list[str] = []
    current: list[str] = []
    depth = 0
    for character in line:
        if character == "|" and depth == 0:
            fields.append("".join(current))
            current = []
            continue
        depth += {"(": 1, ")": -1}.get(character, 0)
        depth = max(depth, 0)
        current.append(character)
    fields.append("".join(current))
    return fields


def _classify(field: str) -> str:
    """What one ``|``-separated field of a first line most likely is.

    A field longer than 100 characters has usually run into the description: only its start is
    read, and only as a title or a remote/location field.
    """
    if len(field) > MAX_FIELD_CHARS:
        kind = _classify(field[:60])
        return kind if kind in ("role", "weak_role", "remote") else "prose"
    if _URL.match(field):
        return "url"
    if _YC_BATCH.match(field):
        return "batch"
    if _STRONG_ROLE.search(field) or _ROLE_ABBREVIATIONS.search(field):
        return "role"
    if _SALARY.search(field):
        return "salary"
    if _REMOTE.search(field):
        return "remote"
    if _EMPLOYMENT.search(field) and len(field) <= 40:
        return "employment"
    if _VISA.search(field):
        return "visa"
    if _WEAK_ROLE.search(_PARENTHESES.sub(" ", field)):
        return "weak_role"
    return "other"


def _looks_like_place(field: str) -> bool:
    """A field of capitalised place names ("Toronto, ON, Canada", "NYC or DC", "Greater Boston").

    Without a gazetteer this is a guess: every word outside parentheses must be capitalised (or
    a connector such as "or"), and digits, CamelCase words (TypeScript, GraphQL) and domain-like
    words (Next.js) rule a field out.
    """
    outside = _PARENTHESES.sub(" ", field)
    if (
        any(character.isdigit() for character in field)
        or _CAMEL_CASE.search(outside)
        or _DOMAIN_IN_TEXT.search(outside)
        or len(field) > 80
    ):
        return False
    words = _PLACE_WORD_SPLIT.split(outside)
    return any(words) and all(
        not word
        or word.lower() in _PLACE_CONNECTORS
        or all(part[:1].isupper() or not part[:1].isalpha() for part in word.split("-"))
        for word in words
    )


def _is_bare_flag(field: str) -> bool:
    """True for a remote field with nothing but the flag in it ("ONSITE", "Onsite/Hybrid")."""
    return not re.sub(r"[\W_]+", "", _REMOTE.sub("", field))


def _clean_company(field: str) -> str | None:
    """The company name of a first field, without its URL, tagline or markup."""
    company = _URL_IN_PARENS.sub("", field)
    company = _URL_AND_REST.sub("", company)
    company = _TAGLINE.sub("", company)
    company = company.strip(_WRAPPING_MARKUP + _DASHES + ":,")
    return company or None


def _clean_title(field: str) -> str:
    return _trim(_HIRING_PREFIX.sub("", field).strip(_WRAPPING_MARKUP + _DASHES + ":,") or field)


def _parse_labelled(lines: Iterable[str]) -> dict[str, str | None]:
    """Fields of the ``Company: X`` / ``Location: Y`` style some comments use instead of pipes."""
    result: dict[str, str | None] = dict.fromkeys(FIELDS)
    for line in lines:
        match = _LABEL.match(line)
        if not match:
            continue
        label = match.group("label").strip().lower()
        name = _LABEL_FIELDS.get(label)
        if name is None or result[name] is not None:
            continue
        value = match.group("value").strip()
        # A remote line reads as a flag only with its label ("REMOTE: Yes (EU timezones)").
        result[name] = line.strip() if name == "remote" else value
    if result["title"] is not None:
        result["title"] = _trim(result["title"])
    return result


def _guess_company_in_prose(line: str) -> str | None:
    """The company of a free-text first line: "Addepar is hiring ...", "At Tether (...) we ..."."""
    match = _COMPANY_IN_PROSE.match(line)
    return _clean_company(match.group("company")) if match else None


def parse_hn_first_line(text: str) -> dict[str, str | None]:
    """Read the first line of a "Who is hiring?" comment into posting fields.

    Returns ``company``, ``title``, ``location``, ``remote`` and ``employment_type`` (each text as
    written, or None). ``title`` is only None for an empty line: when no field looks like a role,
    the whole line (shortened) stands in for it, so no posting is lost for want of a title.

    The usual shape is ``Company | Role | Location | REMOTE | Full-time | $salary | URL``, in any
    order after the company. Fields are classified by what they contain: a URL is ignored, a
    salary is skipped, a role noun makes the title, REMOTE/ONSITE/HYBRID the remote flag,
    Full-time/Contract/Intern the employment type, and the first place-like field (or the remote
    field, when it is all there is) the location.
    """
    line = _SPACES.sub(" ", text or "").strip(_WRAPPING_MARKUP)
    result: dict[str, str | None] = dict.fromkeys(FIELDS)
    if not line:
        return result
    label = _LABEL.match(line)
    if label and label.group("label").strip().lower() in _LABEL_FIELDS:
        result = _parse_labelled([line])
        result["title"] = result["title"] or _trim(line)
        return result

    fields = [field.strip(_WRAPPING_MARKUP) for field in _split_fields(line)]
    fields = [field for field in fields if field]
    if len(fields) < 2:
        alternatives = [part.strip() for part in _ALTERNATIVE_SEPARATORS.split(line)]
        if len(alternatives) >= 2 and all(0 < len(part) <= 60 for part in alternatives):
            fields = alternatives
    if len(fields) < 2:
        result["company"] = _guess_company_in_prose(line)
        result["title"] = _trim(line)
        return result

    kinds = [_classify(field) for field in fields]
    used: set[int] = set()
    # A labelled field ("Location: New York City") says what it is.
    for position, field in enumerate(fields):
        label = _LABEL.match(field)
        name = _LABEL_FIELDS.get(label.group("label").strip().lower()) if label else None
        if position > 0 and name is not None and result[name] is None:
            result[name] = label.group("value").strip() if label else None
            kinds[position] = "labelled"
            used.add(position)

    # Company: the first field, unless it is a role, a place, a full URL or "SEEKING WORK"; then
    # the second field, when it is a short name ("Senior ML Engineer | Ping Data Intelligence").
    first = _clean_company(fields[0]) or ""
    first_kind = _classify(first) if first else "url"
    if first_kind == "url" and not first.lower().startswith(("http", "www.")):
        result["company"] = first  # a bare domain ("Oscilar.com") is the company's name
        used.add(0)
    elif (
        first_kind in ("other", "weak_role")
        and not _SEEKING.match(first)
        and not _PLACE_PAIR.match(first)
    ):
        result["company"] = first
        used.add(0)
    elif kinds[1] == "other" and len(fields[1]) <= 40 and not _PLACE_PAIR.match(fields[1]):
        result["company"] = _clean_company(fields[1])
        used.add(1)

    # Title: a field with a role noun, else one with a role-ish word, else the second field.
    for wanted in ("role", "weak_role"):
        chosen = next((i for i, kind in enumerate(kinds) if kind == wanted and i not in used), None)
        if chosen is not None:
            result["title"] = _clean_title(fields[chosen])
            used.add(chosen)
            break
    else:
        if 1 not in used and kinds[1] == "other" and not _looks_like_place(fields[1]):
            result["title"] = _clean_title(fields[1])
            used.add(1)
        else:
            result["title"] = _trim(line)

    # Remote flag and employment type: the first field of each kind, as written.
    remote_positions = [i for i, kind in enumerate(kinds) if kind == "remote" and i not in used]
    if remote_positions:
        result["remote"] = fields[remote_positions[0]]
    employment = next((i for i, kind in enumerate(kinds) if kind == "employment"), None)
    if employment is not None and employment not in used:
        result["employment_type"] = fields[employment]

    # Location: the first place-like field or remote field with details; else the bare flag.
    for position, field in enumerate(fields):
        if position in used:
            continue
        if (
            kinds[position] == "other" and _looks_like_place(field) and not _SEEKING.match(field)
        ) or (kinds[position] == "remote" and not _is_bare_flag(field)):
            result["location"] = field
            break
    else:
        if remote_positions:
            result["location"] = fields[remote_positions[0]]
    return result


def parse_hn_comment(comment_html: str) -> dict[str, str | None]:
    """Posting fields of a whole comment: its first line, or its labelled header lines."""
    lines = hn_text_lines(comment_html)
    if not lines:
        return dict.fromkeys(FIELDS)
    result = parse_hn_first_line(lines[0])
    label = _LABEL.match(lines[0])
    if label and label.group("label").strip().lower() in _LABEL_FIELDS:
        labelled = _parse_labelled(lines[:15])
        result = {name: labelled[name] or result[name] for name in FIELDS}
    return result


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The comment's fields: its header line(s) read by :func:`parse_hn_comment`."""
    hit = load_json_object(payload)
    comment = hit.get("comment_text")
    if not isinstance(comment, str) or not comment.strip():
        raise ValueError("hit has no comment_text")
    header = parse_hn_comment(comment)
    description_format, description_text = description(comment, "html")
    posting_id = text(hit.get("objectID")) or context.source_posting_id
    return PostingFields(
        title=header["title"],
        company_name=header["company"],
        location=header["location"],
        remote=header["remote"],
        employment_type=header["employment_type"],
        posted_at=text(hit.get("created_at")),
        updated_at=text(hit.get("updated_at")),
        url=HN_ITEM_URL.format(posting_id),
        description_format=description_format,
        description_text=description_text,
    )
