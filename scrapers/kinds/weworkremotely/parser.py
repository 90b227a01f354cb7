"""Parse a stored We Work Remotely ``<item>`` (one element of an RSS feed, as the feed wrote it).

The item's title is written "Company: Role" (a title without ": " is read as "Role at Company"
when it has " at ", else kept whole with no company). ``region`` is the location shown
("Anywhere in the World", "USA Only"); ``country`` and ``state`` name the company's
headquarters, not the job's place, and are not read. ``type`` is the employment type,
``pubDate`` an RFC 822 date, ``link`` the posting's page (``guid`` when there is no link).
``description`` is HTML, entity-escaped or in a CDATA section: plain HTML once the XML is read.
The board lists remote jobs only and publishes no remote flag, so ``remote`` stays empty.
"""

from __future__ import annotations

from xml.etree import ElementTree

from scrapers.parsing import ParseContext, PostingFields, description, first_text


def split_title(title: str | None) -> tuple[str | None, str | None]:
    """``(company, role)`` of an item title "Company: Role" (or "Role at Company")."""
    if not title:
        return None, title
    company, separator, role = title.partition(": ")
    if separator and company.strip() and role.strip():
        return company.strip(), role.strip()
    role, separator, company = title.rpartition(" at ")
    if separator and company.strip() and role.strip():
        return company.strip(), role.strip()
    return None, title


def child_text(item: ElementTree.Element, tag: str) -> str | None:
    """The stripped text of ``item``'s child ``tag``; None when absent or empty."""
    value = item.findtext(tag)
    return (value.strip() or None) if value is not None else None


def parse(payload: str, context: ParseContext) -> PostingFields:
    """The item's fields as the feed publishes them."""
    item = ElementTree.fromstring(payload)
    if item.tag != "item":
        raise ValueError(f"payload is a <{item.tag}> element, not an RSS <item>")
    company, role = split_title(child_text(item, "title"))
    description_format, description_text = description(child_text(item, "description"), "html")
    return PostingFields(
        title=role,
        company_name=company,
        location=child_text(item, "region"),
        employment_type=child_text(item, "type"),
        posted_at=child_text(item, "pubDate"),
        url=first_text(child_text(item, "link"), child_text(item, "guid"), context.url),
        description_format=description_format,
        description_text=description_text,
    )
