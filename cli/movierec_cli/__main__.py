from movierec_cli.app import main

main()
