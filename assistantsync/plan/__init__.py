"""What would change: identity matching, the diff of each resource, and the saved-plan file. Pure."""
