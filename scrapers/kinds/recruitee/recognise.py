"""Recruitee careers URLs: ``<company>.recruitee.com``."""

from __future__ import annotations

from scrapers.discovery import subdomain_platform

recognise = subdomain_platform("recruitee", r"\.recruitee\.com")
