from contentops.cli import main

main()
