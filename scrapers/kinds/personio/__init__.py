"""Personio career sites, through their public XML job feed (<company>.jobs.personio.de).

Entry: ``{kind: personio, subdomain: <subdomain>, company: <display name>}``; the subdomain is
the first part of ``<subdomain>.jobs.personio.de``; companies on ``.jobs.personio.com`` add
``api_base: https://<subdomain>.jobs.personio.com``; ``language`` asks for the feed in a language.
"""
