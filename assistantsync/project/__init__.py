"""The project file (assistantsync.yaml): settings for the whole repository, its environments and policy."""
