"""assistantsync: declarative sync of Assistants (API v2) from YAML files in git."""

__version__ = "0.1.0"
