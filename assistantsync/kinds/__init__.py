"""What is specific to one kind of resource (see kind.py for the interface; assistant/ is the first kind)."""
