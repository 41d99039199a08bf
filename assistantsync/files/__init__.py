"""Paths to desired resources: walk the folders, read YAML with positions, resolve file references."""
