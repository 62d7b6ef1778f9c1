"""A recognition worker that never gets ready: it sleeps ``argv[1]`` seconds and exits.

For tests/engines/local/test_worker_pool.py: a pool shut down while its workers start.
"""

import sys
import time

if __name__ == "__main__":
    time.sleep(float(sys.argv[1]))
