from derivator.cli import main

main()
