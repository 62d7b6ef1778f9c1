import sys

from scenario_engine.cli import main

sys.exit(main())
