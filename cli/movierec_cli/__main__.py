from movierec_cli.entry import main

main()
