from assistantsync.cli.main import entry

entry()
