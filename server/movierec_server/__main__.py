"""``python -m movierec_server``: what ``movierec serve`` runs."""

from movierec_server.main import main

main()
