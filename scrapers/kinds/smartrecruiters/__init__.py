"""SmartRecruiters career sites, through the public Posting API (api.smartrecruiters.com).

Entry: ``{kind: smartrecruiters, company_id: <identifier>, company: <display name>}``; the
identifier is the first part of ``jobs.smartrecruiters.com/<identifier>``; ``max_pages``
(default 100 pages of 100 postings) caps a crawl.
"""
