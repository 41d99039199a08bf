"""Assistant files to Foundry agent files: a pure field map and the report of what it could not carry.

convert.py maps one assistant document to an agent document (`kind: agent`, the agents API's create body);
names.py holds the agent name rule and refuses collisions; report.py holds the values both return. These read and
write no files and touch no API; run.py (the `migrate` command's work) loads and writes the files around them.
"""
