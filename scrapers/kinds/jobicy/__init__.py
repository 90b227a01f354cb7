"""Jobicy (jobicy.com), a board of remote jobs, through its public JSON API v2.

Entry: ``{kind: jobicy}`` (key ``jobicy:all``), optionally filtered with ``geo`` (a region slug
such as ``usa``), ``industry`` (such as ``marketing``) and ``tag`` (a search term):
``{kind: jobicy, geo: usa, tag: python}`` has key ``jobicy:geo=usa,tag=python``.
"""
