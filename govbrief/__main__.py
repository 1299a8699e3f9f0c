from govbrief.cli import main

main()
