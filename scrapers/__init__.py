"""The Scrapy project of postings: one spider per source kind, writing landing files."""
