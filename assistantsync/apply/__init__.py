"""Carrying out a plan: the only code that writes to the API."""
