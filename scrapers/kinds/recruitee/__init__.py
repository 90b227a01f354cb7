"""Recruitee career sites, through their public Careers Site API (<company>.recruitee.com).

Entry: ``{kind: recruitee, subdomain: <subdomain>, company: <display name>}``; the subdomain is
the first part of ``<subdomain>.recruitee.com``; ``api_base`` replaces the whole host for a
company that serves its careers site on its own domain.
"""
