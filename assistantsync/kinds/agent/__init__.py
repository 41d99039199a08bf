"""The agent (Foundry's versioned agents API): its file format's names so far; the kind itself comes later."""
