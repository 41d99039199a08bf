from assistantsync.cli import entry

entry()
