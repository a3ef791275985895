from alliancekb.cli import main

main()
