"""Lever job sites, through the public Postings API (api.lever.co, api.eu.lever.co).

Entry: ``{kind: lever, site: <site>, company: <display name>}``; the site is the first part of
``jobs.lever.co/<site>``. EU sites (``jobs.eu.lever.co``) add
``api_base: https://api.eu.lever.co``.
"""
