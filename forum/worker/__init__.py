"""The background worker: its jobs and loop (loop), and its sign of life (heartbeat)."""
