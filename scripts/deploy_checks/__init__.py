"""The checks scripts/check_deploy_configs.sh runs in Python, one module each:

    compose       docker-compose.production.yml: the stack's own rules (check-jsonschema's
                  virtualenv: it brings the YAML library)
    env_example   a .env.production*.example documents its variables
    nginx_smoke   nginx in front of a stub backend on loopback: real HTTP and TLS requests

Run with scripts/ on the import path: ``PYTHONPATH=scripts python -m deploy_checks.<module>``.
The checks that also hold for the real backend are scripts/lib/deploy_checks.py's, shared with
scripts/check_production_topology.py."""
