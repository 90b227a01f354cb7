"""Teamtailor career sites, through the JSON Feed every site publishes (<company>.teamtailor.com).

Entry: ``{kind: teamtailor, subdomain: <subdomain>, company: <display name>}``; the subdomain
is the first part of ``<subdomain>.teamtailor.com``; a career site on the company's own domain
sets ``api_base`` to it; ``max_pages`` (default 50) caps the feed pages read.
"""
