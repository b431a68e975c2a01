from contentops.cli.app import main

main()
