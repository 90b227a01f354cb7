"""Workable career pages, through the public job widget API (apply.workable.com).

Entry: ``{kind: workable, account: <account>, company: <display name>}``; the account is the
first part of ``apply.workable.com/<account>`` (or ``<account>.workable.com``).
"""
