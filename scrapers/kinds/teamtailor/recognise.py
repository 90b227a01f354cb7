"""Teamtailor careers URLs: ``<company>.teamtailor.com``."""

from __future__ import annotations

from scrapers.discovery import subdomain_platform

recognise = subdomain_platform("teamtailor", r"\.teamtailor\.com")
