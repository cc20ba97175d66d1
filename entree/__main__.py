"""``python -m entree`` runs the command-line interface."""

from entree._cli import main

raise SystemExit(main())
