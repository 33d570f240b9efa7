"""The checks of scripts/check_production_topology.py: base.py starts the topology and reports,
edge.py holds what nginx answers itself (TLS, headers, files, rate limits, logs), services.py
what the processes behind it do (API, real time, Celery, Redis, database roles)."""
