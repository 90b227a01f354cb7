"""Parse a stored Personio ``<position>`` element (the XML job feed, ``/xml``).

A position has ``id``, ``subcompany`` (the hiring legal entity), ``office`` and
``additionalOffices``, ``department``, ``recruitingCategory``, ``name`` (the title),
``employmentType`` and ``schedule``, ``seniority``, ``yearsOfExperience``, ``occupation``,
``createdAt`` and ``jobDescriptions`` (``<jobDescription><name/><value/></jobDescription>``
blocks of HTML, often empty). The feed has no posting URL: the URL is the public job page
``https://<subdomain>.jobs.personio.de/job/<id>``. The feed states no workplace; "Remote" is
one of a company's offices.
"""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree

from scrapers.parsing import ParseContext, PostingFields, description, first_text

#: Where a position is shown to the public.
PUBLIC_JOB_URL = "https://{company}.jobs.personio.de/job/{id}"


def child_text(node: ElementTree.Element, path: str) -> str | None:
    """The stripped text of the first element at ``path``; None when absent or empty."""
    found = node.find(path)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def description_html(position: ElementTree.Element) -> str:
    """The position's description blocks as HTML, each under its heading."""
    parts = []
    for block in position.findall("jobDescriptions/jobDescription"):
        name, value = child_text(block, "name"), child_text(block, "value")
        if value:
            parts.append(f"<h3>{name}</h3>{value}" if name else value)
    return "".join(parts)


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The position's fields as the feed publishes them."""
    position = ElementTree.fromstring(payload)
    if position.tag != "position":
        raise ValueError(f"payload is a <{position.tag}> element, not a <position>")
    posting_id = child_text(position, "id")
    offices = [
        child_text(position, "office"),
        *((office.text or "").strip() for office in position.findall("additionalOffices/office")),
    ]
    employment = [child_text(position, "employmentType"), child_text(position, "schedule")]
    description_format, description_text = description(description_html(position), "html")
    return PostingFields(
        title=child_text(position, "name"),
        company_name=first_text(
            child_text(position, "subcompany"), context.company, context.identity
        ),
        location="; ".join(office for office in offices if office) or None,
        department=child_text(position, "department"),
        employment_type=", ".join(part for part in employment if part) or None,
        posted_at=child_text(position, "createdAt"),
        url=PUBLIC_JOB_URL.format(company=context.identity, id=quote(posting_id))
        if posting_id
        else None,
        description_format=description_format,
        description_text=description_text,
    )
