"""What an operator needs: structured logs with the session id, and Prometheus metrics."""
