"""Policy: the project's rules every resolved document must pass before any request (allowed models, required
metadata, forbidden tools, custom JSON Schemas), and what a plan shows of them."""
