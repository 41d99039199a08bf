"""Assistant files to Foundry agent files: a pure field map and the report of what it could not carry.

convert.py maps one assistant document to an agent document (`kind: agent`, the agents API's create body);
names.py holds the agent name rule and refuses collisions; report.py holds the values both return. Nothing here
reads or writes files or touches an API: the `migrate` command (to come) does that around them.
"""
