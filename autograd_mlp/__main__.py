"""``python -m autograd_mlp``: the same as the ``autograd-mlp`` command."""

import sys

from .cli import main

sys.exit(main())
