"""The one item every spider yields: the envelope of a posting exactly as the source sent it.

A spider fetches; it does not parse. The envelope carries what identifies a posting (its source
and id), where and when it was fetched, and its ``payload``: the posting's own record exactly as
the source sent it (a JSON object, an XML element, a JSON-LD block). Turning a payload into
posting fields (title, company, description text...) is the job of the kind's parser
(``scrapers/kinds/<kind>/parser.py``), applied downstream of the raw schema by dbt, so that a
parser fix reaches every stored version without crawling again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(kw_only=True)
class JobPostingItem:
    """One posting as the source sent it: identity, fetch facts and the payload, nothing parsed."""

    source_kind: str
    source_key: str
    source_posting_id: str
    #: The address the payload was fetched from (a page, or an API call that listed it).
    url: str | None
    payload: str
    #: ``json`` (a JSON object), ``xml`` (an XML element) or ``jsonld`` (a JSON-LD object).
    payload_format: str = "json"
    #: What the parser needs of the source entry beyond the payload (e.g. ``company``, the
    #: display name the entry gives an ATS board); see ``scrapers.parsing.ParseContext``.
    source_context: dict[str, Any] = field(default_factory=dict)
    #: Set by the landing pipeline.
    crawl_run_id: str | None = None
    fetched_at: str | None = None
    #: sha256 of the payload's UTF-8, set by the landing pipeline (or, in a night, written by
    #: the landing writer process into the line only). Left out of comparisons: it follows
    #: from the payload, which is compared.
    content_hash: str | None = field(default=None, compare=False)
    #: ``(payload, its UTF-8 bytes as orjson wrote them)``, when the spider had those bytes: the
    #: landing writer puts the bytes in the landing line as they are, rather than have the
    #: text encoded back to UTF-8 (a tenth of a large board's crawl). Used only while
    #: ``payload`` is still that very text; left out of comparisons and ``repr``.
    encoded_payload: tuple[str, bytes] | None = field(default=None, compare=False, repr=False)


#: Fields without which a record is not a posting; the validate pipeline drops and counts the rest.
REQUIRED_FIELDS: tuple[str, ...] = ("source_key", "source_posting_id", "payload")
