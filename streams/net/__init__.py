"""Guarded outbound HTTP shared by every stage that fetches a URL (feeds, article pages, ``explain``).

``guard`` holds the SSRF address policy; ``client`` the fetch with timeouts, a body cap and redirects
re-validated hop by hop. Both live in ``streams`` so connectors and offline tools use one policy.
"""
