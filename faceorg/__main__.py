"""`python -m faceorg` behaves like the `faceorg` command."""

import sys

from faceorg.cli.main import main

sys.exit(main())
