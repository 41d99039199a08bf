"""Live resources to files, ready to commit."""
