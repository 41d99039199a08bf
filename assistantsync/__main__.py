from assistantsync.cli import main

main()
