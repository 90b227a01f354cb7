"""Any career site that publishes schema.org ``JobPosting`` JSON-LD in its pages.

Entry: ``{kind: jsonld, sitemap: <sitemap URL>, name: <key>, company: <display name>}``, or
``robots: <robots.txt URL>`` (its ``Sitemap:`` lines), or ``urls: [<page URL>, ...]``; the key
is ``jsonld:<name>``, else ``jsonld:<host of the start URL>``.
"""
