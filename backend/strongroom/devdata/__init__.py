"""Data for development, evaluation and benchmarks, never for production: the demo data of
``initial_setup --demo`` (demo.py) and the benchmark volume of ``manage.py seed_volume``. At the
top of the layers: it builds its data with the services of every app."""
