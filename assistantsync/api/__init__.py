"""Talking to an API: providers and credentials, the HTTP client, retries and API errors.

The only code that knows URLs and headers.
"""
