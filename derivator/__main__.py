from derivator.app.cli import main

main()
